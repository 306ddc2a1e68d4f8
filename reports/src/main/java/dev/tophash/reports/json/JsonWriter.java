package dev.tophash.reports.json;

import java.io.IOException;
import java.util.Arrays;

/**
 * A streaming JSON writer for the report's own files, writing exactly what Jackson's
 * {@code JsonGenerator} writes for the calls of the same names: compact, or laid out as with
 * {@code useDefaultPrettyPrinter()} ({@code "name" : value}, objects one entry per line indented
 * by two spaces, arrays on one line as {@code [ 1, 2 ]}, empty ones as {@code { }} and
 * {@code [ ]}); strings escaped as Jackson does by default ({@code \"}, {@code \\}, {@code \n}
 * and the other short escapes, other control characters as upper-case {@code \}{@code u00XX},
 * everything else as is); doubles as {@link Double#toString}, not-a-number and infinities as
 * quoted strings. {@code JsonWriterTest} holds it to Jackson's output.
 *
 * <p>Why not Jackson: the report is written in a JVM's last moments, where loading and verifying
 * Jackson's generator and its factory (some 80 classes) and running its layered code cold cost
 * more than the rest of writing {@code report.json} (measured: tens of milliseconds for an empty
 * report). Reading report files stays with Jackson's parser.
 */
public final class JsonWriter {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final Appendable out;
  private final boolean pretty;
  /** Per open container: entries written so far; the depth is {@link #depth}. */
  private int[] counts = new int[16];
  /** Whether each open container is an object. */
  private boolean[] objects = new boolean[16];
  private int depth;
  /** Objects open, the indentation level of the pretty layout (arrays do not indent). */
  private int nesting;
  /** A field name was just written: the next value follows it without a separator. */
  private boolean afterName;

  /**
   * @param out where the text goes
   * @param pretty Jackson's default pretty printer's layout, or compact
   */
  public JsonWriter(Appendable out, boolean pretty) {
    this.out = out;
    this.pretty = pretty;
  }

  /** Starts an object. */
  public void writeStartObject() throws IOException {
    beforeValue();
    out.append('{');
    push(true);
    nesting++;
  }

  /** Ends the innermost object. */
  public void writeEndObject() throws IOException {
    int entries = counts[depth - 1];
    depth--;
    nesting--;
    if (pretty) {
      if (entries > 0) {
        indent();
      } else {
        out.append(' ');
      }
    }
    out.append('}');
  }

  /** Starts an array. */
  public void writeStartArray() throws IOException {
    beforeValue();
    out.append('[');
    push(false);
  }

  /** Ends the innermost array. */
  public void writeEndArray() throws IOException {
    depth--;
    if (pretty) {
      out.append(' ');
    }
    out.append(']');
  }

  /** Writes a field name inside an object; its value comes next. */
  public void writeFieldName(String name) throws IOException {
    if (counts[depth - 1]++ > 0) {
      out.append(',');
    }
    if (pretty) {
      indent();
    }
    string(name);
    out.append(pretty ? " : " : ":");
    afterName = true;
  }

  /** Writes a string value. */
  public void writeString(String value) throws IOException {
    beforeValue();
    string(value);
  }

  /** Writes an integer value. */
  public void writeNumber(long value) throws IOException {
    beforeValue();
    out.append(Long.toString(value));
  }

  /** Writes a floating-point value; not-a-number and infinities as strings. */
  public void writeNumber(double value) throws IOException {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      writeString(Double.toString(value));
      return;
    }
    beforeValue();
    out.append(Double.toString(value));
  }

  /** Writes {@code true} or {@code false}. */
  public void writeBoolean(boolean value) throws IOException {
    beforeValue();
    out.append(value ? "true" : "false");
  }

  /** Writes {@code null}. */
  public void writeNull() throws IOException {
    beforeValue();
    out.append("null");
  }

  /** A field with a string value. */
  public void writeStringField(String name, String value) throws IOException {
    writeFieldName(name);
    writeString(value);
  }

  /** A field with an integer value. */
  public void writeNumberField(String name, long value) throws IOException {
    writeFieldName(name);
    writeNumber(value);
  }

  /** A field with a floating-point value. */
  public void writeNumberField(String name, double value) throws IOException {
    writeFieldName(name);
    writeNumber(value);
  }

  /** A field with a boolean value. */
  public void writeBooleanField(String name, boolean value) throws IOException {
    writeFieldName(name);
    writeBoolean(value);
  }

  /** A field whose value is an array, started. */
  public void writeArrayFieldStart(String name) throws IOException {
    writeFieldName(name);
    writeStartArray();
  }

  /** A field whose value is an object, started. */
  public void writeObjectFieldStart(String name) throws IOException {
    writeFieldName(name);
    writeStartObject();
  }

  private void push(boolean object) {
    if (depth == counts.length) {
      counts = Arrays.copyOf(counts, depth * 2);
      objects = Arrays.copyOf(objects, depth * 2);
    }
    counts[depth] = 0;
    objects[depth] = object;
    depth++;
  }

  /** The separator before a value in an array (in an object the field name wrote it). */
  private void beforeValue() throws IOException {
    if (afterName) {
      afterName = false;
      return;
    }
    if (depth > 0 && !objects[depth - 1]) {
      if (counts[depth - 1]++ > 0) {
        out.append(',');
      }
      if (pretty) {
        out.append(' ');
      }
    }
  }

  private void indent() throws IOException {
    out.append('\n');
    for (int i = 0; i < nesting; i++) {
      out.append("  ");
    }
  }

  private void string(String s) throws IOException {
    out.append('"');
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String esc;
      if (c == '"') {
        esc = "\\\"";
      } else if (c == '\\') {
        esc = "\\\\";
      } else if (c >= 0x20) {
        continue;
      } else if (c == '\n') {
        esc = "\\n";
      } else if (c == '\t') {
        esc = "\\t";
      } else if (c == '\r') {
        esc = "\\r";
      } else if (c == '\b') {
        esc = "\\b";
      } else if (c == '\f') {
        esc = "\\f";
      } else {
        esc = "\\u00" + HEX[c >> 4] + HEX[c & 0xF];
      }
      out.append(s, start, i).append(esc);
      start = i + 1;
    }
    out.append(s, start, s.length()).append('"');
  }
}
