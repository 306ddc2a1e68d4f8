package dev.tophash.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH's JSON results ({@code -rf json}) into Markdown tables of ratios to HashMap.
 *
 * <p>One table per benchmark method: a row per combination of parameters other than
 * {@code mapType}, HashMap's absolute score, and every other map type's score divided by
 * HashMap's from the same run (below 1 is faster). A geometric-mean row closes each table. When
 * the run used {@code -prof gc}, a second table gives bytes allocated per operation
 * ({@code gc.alloc.rate.norm}) for every map type.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.tophash.bench.JmhReport results.json [out.md]}.
 */
public final class JmhReport {
  private JmhReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: JmhReport RESULTS.json [OUT.md]");
      System.exit(2);
    }
    String json = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
    String md = render(json);
    if (args.length == 2) {
      Path out = Path.of(args[1]);
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, md, StandardCharsets.UTF_8);
    } else {
      System.out.print(md);
    }
  }

  /** One JMH result: the benchmark, its parameters, score and allocation per operation. */
  static final class Row {
    String benchmark;
    Map<String, String> params = new LinkedHashMap<>();
    double score;
    double error;
    String unit;
    double allocNorm = Double.NaN;
  }

  @SuppressWarnings("unchecked")
  static List<Row> parse(String json) {
    Object root = new Json(json).value();
    List<Row> rows = new ArrayList<>();
    for (Object o : (List<Object>) root) {
      Map<String, Object> r = (Map<String, Object>) o;
      Row row = new Row();
      String b = (String) r.get("benchmark");
      row.benchmark = b.substring(b.lastIndexOf('.', b.lastIndexOf('.') - 1) + 1);
      Map<String, Object> params = (Map<String, Object>) r.get("params");
      if (params != null) {
        for (Map.Entry<String, Object> e : params.entrySet()) {
          row.params.put(e.getKey(), String.valueOf(e.getValue()));
        }
      }
      Map<String, Object> pm = (Map<String, Object>) r.get("primaryMetric");
      row.score = num(pm.get("score"));
      row.error = num(pm.get("scoreError"));
      row.unit = (String) pm.get("scoreUnit");
      Map<String, Object> sec = (Map<String, Object>) r.get("secondaryMetrics");
      if (sec != null && sec.get("gc.alloc.rate.norm") instanceof Map) {
        row.allocNorm = num(((Map<String, Object>) sec.get("gc.alloc.rate.norm")).get("score"));
      }
      rows.add(row);
    }
    return rows;
  }

  private static double num(Object o) {
    return o instanceof Number ? ((Number) o).doubleValue() : Double.NaN;
  }

  static String render(String json) {
    List<Row> rows = parse(json);
    // benchmark -> (other params) -> mapType -> row
    Map<String, Map<String, Map<String, Row>>> byBench = new TreeMap<>();
    Map<String, List<String>> typesByBench = new TreeMap<>();
    Map<String, List<String>> paramNames = new TreeMap<>();
    for (Row r : rows) {
      String type = r.params.getOrDefault("mapType", "-");
      List<String> names = new ArrayList<>();
      StringBuilder key = new StringBuilder();
      for (Map.Entry<String, String> e : r.params.entrySet()) {
        if (!e.getKey().equals("mapType")) {
          names.add(e.getKey());
          key.append(e.getValue()).append('\u0000');
        }
      }
      paramNames.putIfAbsent(r.benchmark, names);
      byBench.computeIfAbsent(r.benchmark, k -> new LinkedHashMap<>())
          .computeIfAbsent(key.toString(), k -> new LinkedHashMap<>()).put(type, r);
      List<String> types = typesByBench.computeIfAbsent(r.benchmark, k -> new ArrayList<>());
      if (!types.contains(type)) {
        types.add(type);
      }
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Map<String, Map<String, Row>>> bench : byBench.entrySet()) {
      String name = bench.getKey();
      List<String> types = order(typesByBench.get(name));
      List<String> names = paramNames.get(name);
      String unit = bench.getValue().values().iterator().next().values().iterator().next().unit;
      sb.append("#### ").append(name).append("\n\n");
      sb.append("Score of HashMap in ").append(unit)
          .append("; other columns: score ÷ HashMap's (below 1 is faster).\n\n|");
      for (String p : names) {
        sb.append(' ').append(p).append(" |");
      }
      for (String t : types) {
        sb.append(' ').append(t.equals("HASHMAP") ? "HASHMAP (" + unit + ")" : t).append(" |");
      }
      sb.append("\n|");
      for (int i = 0; i < names.size(); i++) {
        sb.append("---|");
      }
      for (int i = 0; i < types.size(); i++) {
        sb.append("---:|");
      }
      sb.append('\n');
      double[] logSum = new double[types.size()];
      int[] logCount = new int[types.size()];
      boolean anyAlloc = false;
      for (Map.Entry<String, Map<String, Row>> combo : bench.getValue().entrySet()) {
        String[] values = combo.getKey().split("\u0000", -1);
        sb.append('|');
        for (int i = 0; i < names.size(); i++) {
          sb.append(' ').append(values[i]).append(" |");
        }
        Row base = combo.getValue().get("HASHMAP");
        for (int i = 0; i < types.size(); i++) {
          Row r = combo.getValue().get(types.get(i));
          if (r != null && !Double.isNaN(r.allocNorm)) {
            anyAlloc = true;
          }
          String cell;
          if (r == null) {
            cell = "–";
          } else if (types.get(i).equals("HASHMAP") || base == null) {
            cell = fmt(r.score);
          } else {
            double ratio = r.score / base.score;
            cell = String.format(Locale.ROOT, "%.2f", ratio);
            if (ratio > 0 && Double.isFinite(ratio)) {
              logSum[i] += Math.log(ratio);
              logCount[i]++;
            }
          }
          sb.append(' ').append(cell).append(" |");
        }
        sb.append('\n');
      }
      sb.append("| **geomean**");
      for (int i = 1; i < names.size(); i++) {
        sb.append(" |");
      }
      sb.append(" |");
      for (int i = 0; i < types.size(); i++) {
        String cell = types.get(i).equals("HASHMAP") || logCount[i] == 0 ? ""
            : String.format(Locale.ROOT, "**%.2f**", Math.exp(logSum[i] / logCount[i]));
        sb.append(' ').append(cell).append(" |");
      }
      sb.append("\n\n");
      if (anyAlloc) {
        sb.append("Bytes allocated per operation (`-prof gc`, gc.alloc.rate.norm):\n\n|");
        for (String p : names) {
          sb.append(' ').append(p).append(" |");
        }
        for (String t : types) {
          sb.append(' ').append(t).append(" |");
        }
        sb.append("\n|");
        for (int i = 0; i < names.size(); i++) {
          sb.append("---|");
        }
        for (int i = 0; i < types.size(); i++) {
          sb.append("---:|");
        }
        sb.append('\n');
        for (Map.Entry<String, Map<String, Row>> combo : bench.getValue().entrySet()) {
          String[] values = combo.getKey().split("\u0000", -1);
          sb.append('|');
          for (int i = 0; i < names.size(); i++) {
            sb.append(' ').append(values[i]).append(" |");
          }
          for (String t : types) {
            Row r = combo.getValue().get(t);
            sb.append(' ').append(r == null || Double.isNaN(r.allocNorm) ? "–" : fmt(r.allocNorm))
                .append(" |");
          }
          sb.append('\n');
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** HashMap first, then the MapType order, then anything else. */
  private static List<String> order(List<String> types) {
    List<String> out = new ArrayList<>();
    for (MapType t : MapType.values()) {
      if (types.contains(t.name())) {
        out.add(t.name());
      }
    }
    for (String t : types) {
      if (!out.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    String f = a >= 1000 ? "%,.0f" : a >= 100 ? "%.1f" : a >= 1 ? "%.2f" : a == 0 ? "%.0f" : "%.3f";
    return String.format(Locale.ROOT, f, v);
  }

  /* --- A minimal JSON reader (objects, arrays, strings, numbers, literals) --- */

  static final class Json {
    private final String s;
    private int p;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      ws();
      char c = s.charAt(p);
      switch (c) {
        case '{': return object();
        case '[': return array();
        case '"': return string();
        case 't': p += 4; return Boolean.TRUE;
        case 'f': p += 5; return Boolean.FALSE;
        case 'n': p += 4; return null;
        default: return number();
      }
    }

    private Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      p++;
      ws();
      if (s.charAt(p) == '}') {
        p++;
        return m;
      }
      while (true) {
        ws();
        String k = string();
        ws();
        expect(':');
        m.put(k, value());
        ws();
        if (s.charAt(p) == ',') {
          p++;
        } else {
          expect('}');
          return m;
        }
      }
    }

    private List<Object> array() {
      List<Object> l = new ArrayList<>();
      p++;
      ws();
      if (s.charAt(p) == ']') {
        p++;
        return l;
      }
      while (true) {
        l.add(value());
        ws();
        if (s.charAt(p) == ',') {
          p++;
        } else {
          expect(']');
          return l;
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = s.charAt(p++);
        if (c == '"') {
          return sb.toString();
        }
        if (c == '\\') {
          char e = s.charAt(p++);
          switch (e) {
            case 'n': sb.append('\n'); break;
            case 't': sb.append('\t'); break;
            case 'r': sb.append('\r'); break;
            case 'b': sb.append('\b'); break;
            case 'f': sb.append('\f'); break;
            case 'u': sb.append((char) Integer.parseInt(s.substring(p, p + 4), 16)); p += 4; break;
            default: sb.append(e);
          }
        } else {
          sb.append(c);
        }
      }
    }

    private Object number() {
      int start = p;
      while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0) {
        p++;
      }
      String t = s.substring(start, p);
      if (t.isEmpty()) {
        // JMH writes "NaN" and "Infinity" as bare words in some versions.
        if (s.startsWith("NaN", p)) {
          p += 3;
          return Double.NaN;
        }
        throw new IllegalArgumentException("unexpected character at " + p + ": " + s.charAt(p));
      }
      return Double.parseDouble(t);
    }

    private void expect(char c) {
      if (s.charAt(p) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at " + p + ", got '"
            + s.charAt(p) + "'");
      }
      p++;
    }

    private void ws() {
      while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
        p++;
      }
    }
  }
}
