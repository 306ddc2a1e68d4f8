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
 *
 * <p>{@link #forScript} writes JSON to be embedded in an HTML {@code <script>} element: compact,
 * with every {@code <} and every character outside ASCII escaped as {@code \}{@code uXXXX}, so
 * that nothing in a string can end the element ({@code </script>}, {@code <!--}) or be taken for
 * a line end by an old JavaScript engine (U+2028, U+2029), and the page stays ASCII.
 */
public final class JsonWriter {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final StringBuilder out;
  /**
   * A string's chars, copied out of it at once to be scanned: charAt costs several calls per char
   * in the interpreter that the report at a JVM's exit runs in. Runs without escapes are appended
   * from the string itself, copied whole.
   */
  private char[] chars = new char[256];
  private final boolean pretty;
  /** {@link #forScript}'s escaping. */
  private final boolean script;
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
  public JsonWriter(StringBuilder out, boolean pretty) {
    this(out, pretty, false);
  }

  private JsonWriter(StringBuilder out, boolean pretty, boolean script) {
    this.out = out;
    this.pretty = pretty;
    this.script = script;
  }

  /** A compact writer of JSON for an HTML {@code <script>} element (see the class doc). */
  public static JsonWriter forScript(StringBuilder out) {
    return new JsonWriter(out, false, true);
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
    if (!script || !exactDecimal(value)) {
      out.append(Double.toString(value));
    }
  }

  /**
   * For {@link #forScript}: appends a non-zero value of the form m / 2^20 below 2^31 (the
   * percentile levels of the page's charts, for one) as its exact decimal expansion when that has
   * at most 17 significant digits, which a script parses back to the same double, and returns
   * true; false, with nothing appended, for any other value. {@link Double#toString} would give
   * the same value (with {@code .0} for a whole number) through far more code, which the report
   * at a JVM's exit runs interpreted.
   */
  private boolean exactDecimal(double value) {
    double a = Math.abs(value);
    if (!(a < 0x1p31) || a == 0) { // zero keeps its sign as Double.toString writes it
      return false;
    }
    double scaled = a * 0x1p20; // exact: a power of two
    long m = (long) scaled;
    if (m != scaled) {
      return false;
    }
    int mark = out.length();
    if (Double.doubleToRawLongBits(value) < 0) {
      out.append('-');
    }
    long whole = m >>> 20;
    out.append(whole);
    long frac = m & 0xFFFFF;
    if (frac != 0) {
      out.append('.');
      // significant digits left for the fraction, as many as Double.toString writes at most
      int left = 17 - (whole == 0 ? 0 : out.length() - mark);
      do {
        if (--left < 0) {
          out.setLength(mark); // too long an expansion: Double.toString's shorter digits instead
          return false;
        }
        frac *= 10;
        out.append((char) ('0' + (frac >>> 20)));
        frac &= 0xFFFFF;
      } while (frac != 0);
    }
    return true;
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
    int n = s.length();
    if (chars.length < n) {
      chars = new char[Math.max(n, chars.length * 2)];
    }
    char[] cs = chars;
    s.getChars(0, n, cs, 0);
    out.append('"');
    int start = 0;
    for (int i = 0; i < n; i++) {
      char c = cs[i];
      String esc;
      if (c == '"') {
        esc = "\\\"";
      } else if (c == '\\') {
        esc = "\\\\";
      } else if (c >= 0x20 && (!script || c < 0x7F && c != '<')) {
        continue;
      } else if (c >= 0x20) {
        esc = "\\u" + HEX[c >> 12] + HEX[(c >> 8) & 0xF] + HEX[(c >> 4) & 0xF] + HEX[c & 0xF];
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
    out.append(s, start, n).append('"');
  }
}
