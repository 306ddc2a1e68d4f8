package dev.tophash.reports.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@link JsonWriter} writes what Jackson's generator writes for the same calls. */
class JsonWriterTest {
  /** The calls the report writers make, on either implementation. */
  private interface Calls {
    void startObject() throws IOException;

    void endObject() throws IOException;

    void startArray() throws IOException;

    void endArray() throws IOException;

    void field(String name) throws IOException;

    void string(String s) throws IOException;

    void number(long v) throws IOException;

    void number(double v) throws IOException;

    void bool(boolean v) throws IOException;

    void nul() throws IOException;
  }

  /**
   * The calls on either writer, by name: {@link JsonWriter} has Jackson's method names, so one
   * adapter serves both.
   */
  private static Calls on(Object g) {
    return new Calls() {
      private void call(String method, Class<?> type, Object arg) throws IOException {
        try {
          if (type == null) {
            g.getClass().getMethod(method).invoke(g);
          } else {
            g.getClass().getMethod(method, type).invoke(g, arg);
          }
        } catch (java.lang.reflect.InvocationTargetException e) {
          throw (IOException) e.getCause();
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }

      public void startObject() throws IOException { call("writeStartObject", null, null); }
      public void endObject() throws IOException { call("writeEndObject", null, null); }
      public void startArray() throws IOException { call("writeStartArray", null, null); }
      public void endArray() throws IOException { call("writeEndArray", null, null); }
      public void field(String name) throws IOException { call("writeFieldName", String.class, name); }
      public void string(String s) throws IOException { call("writeString", String.class, s); }
      public void number(long v) throws IOException { call("writeNumber", long.class, v); }
      public void number(double v) throws IOException { call("writeNumber", double.class, v); }
      public void bool(boolean v) throws IOException { call("writeBoolean", boolean.class, v); }
      public void nul() throws IOException { call("writeNull", null, null); }
    };
  }

  /** A document with every shape the writers produce. */
  private static void document(Calls c) throws IOException {
    c.startObject();
    c.field("schema");
    c.string("tophash-report/1");
    c.field("empty object");
    c.startObject();
    c.endObject();
    c.field("empty array");
    c.startArray();
    c.endArray();
    c.field("strings");
    c.startArray();
    for (String s : new String[] {"", "plain", "quote \" backslash \\ slash /", "tab\tnew\nline\r",
        "\b\f\u0000\u0001\u001f\u007f", "</script><!-- \u2028\u2029", "caf\u00e9 \u2030 \uD83D\uDE00",
        "dev.tophash.it.apps.DemoApp#loadOrders:42", "a\\u0041"}) {
      c.string(s);
    }
    c.endArray();
    c.field("numbers");
    c.startArray();
    for (long v : new long[] {0, 1, -1, 42, Long.MAX_VALUE, Long.MIN_VALUE}) {
      c.number(v);
    }
    for (double v : new double[] {0.0, -0.0, 0.1, 1.0 / 3, 1e-7, 1e21, 123456789.125, 2.5e-300,
        Double.MAX_VALUE, Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 87.6, 99.99, 87.5, 99.90234375, -0.5, 1e9 + 0.125, 0x1p31,
        0x1p31 - 0x1p-20, 0x1p-20, 0x1p-21, 3.0 / 0x1p20}) {
      c.number(v);
    }
    c.endArray();
    c.field("flags");
    c.startObject();
    c.field("attached");
    c.bool(true);
    c.field("other");
    c.bool(false);
    c.field("none");
    c.nul();
    c.endObject();
    c.field("rows");
    c.startArray();
    for (int i = 0; i < 3; i++) {
      c.startArray();
      c.number(i);
      c.string("row " + i);
      c.nul();
      c.startArray();
      c.startArray();
      c.number(50.0);
      c.number(7L);
      c.endArray();
      c.endArray();
      c.endArray();
    }
    c.endArray();
    c.field("sites");
    c.startArray();
    for (int i = 0; i < 2; i++) {
      c.startObject();
      c.field("key");
      c.string("site " + i);
      c.field("histograms");
      c.startObject();
      if (i == 1) {
        c.field("probe.hit");
        c.startObject();
        c.field("count");
        c.number(3L);
        c.field("mean");
        c.number(2.0);
        c.endObject();
      }
      c.endObject();
      c.endObject();
    }
    c.endArray();
    c.endObject();
  }

  private static void assertSame(boolean pretty) throws IOException {
    StringWriter theirs = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(theirs)) {
      if (pretty) {
        g.useDefaultPrettyPrinter();
      }
      document(on(g));
    }
    StringBuilder ours = new StringBuilder();
    document(on(new JsonWriter(ours, pretty)));
    assertEquals(theirs.toString(), ours.toString());
  }

  @Test
  void compactAsJackson() throws IOException {
    assertSame(false);
  }

  @Test
  void prettyAsJacksonsDefaultPrettyPrinter() throws IOException {
    assertSame(true);
  }

  @Test
  void forScriptIsTheSameJsonInAsciiWithNothingToEndAScriptElement() throws IOException {
    StringBuilder plain = new StringBuilder();
    document(on(new JsonWriter(plain, false)));
    StringBuilder script = new StringBuilder();
    document(on(JsonWriter.forScript(script)));
    String s = script.toString();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      assertTrue(c >= 0x20 && c < 0x7F && c != '<', () -> "unescaped " + (int) c + " in " + s);
    }
    assertTrue(s.contains("\\u003C/script>\\u003C!-- \\u2028\\u2029"), s);
    assertEquals(tokens(plain.toString()), tokens(s));
  }

  /** The tokens Jackson's parser reads, each with its decoded text. */
  private static java.util.List<String> tokens(String json) throws IOException {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        // numbers by the double they parse to, as a script parses them: the script's writer may
        // leave out a ".0" or write other digits of the same double
        out.add(t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT
            ? "number " + p.getDoubleValue() : t + " " + p.getText());
      }
    }
    return out;
  }
}
