package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped agent on real, unmodified applications from Maven Central (copied into
 * {@code target/apps} by the pom), each with a real workload of a few seconds:
 *
 * <ul>
 *   <li>the H2 database engine, running a SQL script through {@code org.h2.tools.RunScript}
 *       against a file database: tables, ~70k rows, an index, joins, GROUP BY, DISTINCT,
 *       window functions;</li>
 *   <li>the ANTLR 4 tool, generating parsers, lexers, listeners and visitors for four grammars;</li>
 *   <li>Mozilla Rhino, running a JavaScript workload through its shell;</li>
 *   <li>Apache Groovy, compiling and running a script (classes, closures, collections, dynamic
 *       dispatch) through {@code groovy.ui.GroovyMain}.</li>
 * </ul>
 *
 * For each: the output users rely on is the same with and without the agent, the report lists
 * a plausible number of rewritten sites with the application's own class, method and line, and
 * the agent writes nothing to stderr but its start-up line. With {@code -Dtophash.it.timing=true}
 * it also prints wall-time ratios (median of {@code tophash.it.timingRuns} runs each) with full
 * recording and with {@code maps=16} (1 in 16 maps per site tracked, the others left to
 * HashMap's own algorithm); timings are never asserted.
 */
class RealAppsIT {
  /** Agent options of the sampled arm. */
  static final String SAMPLED = "maps=16";

  /** One real application and how to drive it. */
  record App(String name, String jar, String main, String packagePrefix, int minRewrittenSites,
      int minActiveSites, Function<Path, List<String>> argsIn, Function<RunResult, String> userOutput) {}

  @Test
  void h2Database() throws IOException {
    check(new App("h2", "h2.jar", "org.h2.tools.RunScript", "org.h2.", 40, 5,
        dir -> List.of("-url", "jdbc:h2:./db/bench", "-user", "sa",
            "-script", dir.relativize(writeH2Script(dir)).toString(), "-showResults"),
        // RunScript echoes each statement and the rows of each query; every query has an
        // ORDER BY, so the rows are what a user relies on, in a fixed order.
        RunResult::stdout));
  }

  @Test
  void antlr4Tool() throws IOException {
    RunResult full = check(new App("antlr4", "antlr4-complete.jar", "org.antlr.v4.Tool", "org.antlr.", 30, 5,
        dir -> {
          // relative paths: the tool writes them into the header of each generated file
          List<String> args = new ArrayList<>(List.of("-o", "generated", "-Xexact-output-dir",
              "-visitor", "-listener", "-package", "gen"));
          args.addAll(writeGrammars(dir));
          return args;
        },
        // What ANTLR's users rely on is the generated code. The .interp and .tokens files must be
        // the same byte for byte. In the .java files the tool emits the listener and visitor
        // methods of labelled alternatives (#add, #atom, ...) in the iteration order of a
        // java.util.HashMap of labels, so that order legitimately differs between map
        // implementations: there each file's lines are compared as a sorted list (same
        // declarations, same bodies), and the generated code must compile (antlr4Tool checks).
        r -> r.stdout() + "\n" + r.appStderrLines() + "\n" + generated(r)));
    // The parser generated under the agent compiles against the ANTLR runtime.
    Path generated = full.outputDir().resolve("generated");
    List<String> javacArgs = new ArrayList<>(List.of("--release", "17", "-nowarn", "-proc:none",
        "-cp", ItEnv.apps().resolve("antlr4-complete.jar").toString(),
        "-d", full.outputDir().resolve("compiled").toString()));
    try (Stream<Path> s = Files.list(generated)) {
      s.filter(p -> p.toString().endsWith(".java")).forEach(p -> javacArgs.add(p.toString()));
    }
    java.io.ByteArrayOutputStream diag = new java.io.ByteArrayOutputStream();
    int rc = javax.tools.ToolProvider.getSystemJavaCompiler()
        .run(null, diag, diag, javacArgs.toArray(new String[0]));
    assertEquals(0, rc, () -> "the generated parser does not compile:\n" + diag);
  }

  @Test
  void rhinoJavaScript() throws IOException {
    check(new App("rhino", "rhino.jar", "org.mozilla.javascript.tools.shell.Main", "org.mozilla.", 10, 3,
        dir -> List.of(dir.relativize(copyResource("rhino-workload.js", dir)).toString()),
        // The script prints values computed from sorted data only.
        RunResult::stdout));
  }

  @Test
  void groovyScript() throws IOException {
    // Groovy 4.0.24 compiles against the JDK's own class files with an ASM that reads up to
    // Java 24: on a newer JDK its plain run fails ("Unsupported class file major version"),
    // with or without the agent.
    assumeTrue(Runtime.version().feature() <= 24,
        "Groovy 4.0.24 does not run on Java " + Runtime.version().feature());
    check(new App("groovy", "groovy.jar", "groovy.ui.GroovyMain", "org.codehaus.groovy.", 40, 10,
        dir -> List.of(dir.relativize(copyResource("groovy-workload.groovy", dir)).toString()),
        // The script prints values computed from sorted data only (its own maps are Groovy's
        // LinkedHashMaps anyway); the compiler and the runtime's HashMaps are what gets rewritten.
        RunResult::stdout));
  }

  private RunResult check(App app) throws IOException {
    Path jar = ItEnv.apps().resolve(app.jar());
    assertTrue(Files.isRegularFile(jar), jar + " is missing: the pom copies it in pre-integration-test");
    Path work = ItEnv.newWorkDir("real-" + app.name());

    RunResult plain = run(app, jar, work.resolve("plain"), null);
    RunResult full = run(app, jar, work.resolve("full"), "");
    RunResult sampled = run(app, jar, work.resolve("sampled"), SAMPLED);
    for (RunResult r : List.of(plain, full, sampled)) {
      r.assertExitCode(0);
    }
    String expected = app.userOutput().apply(plain);
    assertTrue(expected.length() > 100, () -> "the workload printed or produced too little\n" + plain);
    assertEquals(expected, app.userOutput().apply(full), app.name() + ": output changed under the agent");
    assertEquals(expected, app.userOutput().apply(sampled), app.name() + ": output changed under " + SAMPLED);
    for (RunResult r : List.of(full, sampled)) {
      r.assertOnlyStartupLine();
      assertEquals(plain.stderrLines(), r.appStderrLines(), app.name() + ": stderr changed");
    }

    Report report = full.report();
    long rewritten = report.run().path("sitesRewritten").asLong();
    assertTrue(rewritten >= app.minRewrittenSites(), () -> app.name() + ": only " + rewritten
        + " sites rewritten");
    assertTrue(report.run().path("classesRewritten").asLong() > 5, app.name() + ": classes rewritten");
    List<Report.Site> active = report.activeSites(app.packagePrefix());
    assertTrue(active.size() >= app.minActiveSites(), () -> app.name() + ": only " + active.size()
        + " sites of " + app.packagePrefix() + " allocated maps: " + active);
    for (Report.Site s : active) {
      assertTrue(s.line() > 0, () -> "no line for " + s);
      assertTrue(!s.methodName().isEmpty() && s.sourceFile().endsWith(".java"), () -> "where is " + s);
    }
    String summary = full.summary();
    Report.Site top = active.stream().max((a, b) -> Long.compare(a.operations(), b.operations())).get();
    assertTrue(summary.contains(top.className() + "#" + top.methodName() + ":" + top.line()),
        () -> "summary.txt names " + top + "\n" + summary);
    assertEquals(SAMPLED, sampled.report().run().path("options").asText().replaceAll("^report=[^,]*,", ""));

    String line = String.format(Locale.ROOT,
        "%s: %d sites rewritten, %d active in %s*; one run each: plain %d ms, full %d ms, %s %d ms",
        app.name(), rewritten, active.size(), app.packagePrefix(), plain.millis(), full.millis(), SAMPLED,
        sampled.millis());
    System.out.println(line);
    if (Boolean.getBoolean("tophash.it.timing")) {
      timing(app, jar, work);
    }
    return full;
  }

  /**
   * Runs the arms interleaved, {@code tophash.it.timingRuns} times, and prints the median wall
   * and CPU times and their ratios to the plain run (also appended to
   * {@code target/it-work/real-app-timings.txt}). The arms: no agent, full recording,
   * {@link #SAMPLED}, then any given in {@code tophash.it.timingArms} (agent options, separated by
   * {@code ;}, e.g. {@code record=off;sample=16}).
   */
  private void timing(App app, Path jar, Path work) throws IOException {
    int n = Integer.getInteger("tophash.it.timingRuns", 3);
    List<String> arms = new ArrayList<>(Arrays.asList(null, "", SAMPLED));
    String extra = System.getProperty("tophash.it.timingArms", "");
    for (String a : extra.split(";")) {
      if (!a.isBlank()) {
        arms.add(a.trim());
      }
    }
    long[][] ms = new long[arms.size()][n];
    long[][] cpu = new long[arms.size()][n];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < arms.size(); a++) {
        RunResult r = run(app, jar, work.resolve("timing-" + a + "-" + i), arms.get(a));
        r.assertExitCode(0);
        ms[a][i] = r.millis();
        cpu[a][i] = r.cpuMillis();
      }
    }
    double plain = median(ms[0]);
    double plainCpu = median(cpu[0]);
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "timing %s (median of %d): plain wall %.0f ms, cpu %.0f ms", app.name(), n, plain, plainCpu));
    for (int a = 1; a < arms.size(); a++) {
      double wall = median(ms[a]);
      double c = median(cpu[a]);
      line.append(String.format(Locale.ROOT, "; %s wall %.0f ms (%.2fx), cpu %.0f ms (%.2fx)",
          arms.get(a).isEmpty() ? "full" : arms.get(a), wall, wall / plain, c, c / plainCpu));
    }
    line.append("; wall runs ").append(Arrays.deepToString(ms));
    System.out.println(line);
    Path log = work.getParent().resolve("real-app-timings.txt");
    Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static double median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }

  private static RunResult run(App app, Path jar, Path dir, String agentOptions) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JvmRun r = JvmRun.main(app.main()).name(app.name()).dir(dir).classpath(jar)
        .args(app.argsIn().apply(dir).toArray(new String[0]));
    if (agentOptions != null) {
      r.agent(agentOptions);
    }
    return r.run();
  }

  /** What ANTLR generated in a run, normalised as described at {@link #antlr4Tool}. */
  private static String generated(RunResult r) {
    Path root = runDir(r).resolve("generated");
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).collect(Collectors.toList())) {
        String text = Files.readString(p);
        if (p.toString().endsWith(".java")) {
          text = text.lines().sorted().collect(Collectors.joining("\n"));
        }
        files.put(root.relativize(p).toString(), text);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(files.size() >= 8, () -> "ANTLR generated only " + files.keySet());
    return files.entrySet().stream().map(e -> "=== " + e.getKey() + "\n" + e.getValue())
        .collect(Collectors.joining("\n"));
  }

  /** The directory a real-application run worked in (its report's parent, or its output files'). */
  private static Path runDir(RunResult r) {
    return r.outputDir();
  }

  private static Path copyResource(String name, Path dir) {
    try (InputStream in = RealAppsIT.class.getResourceAsStream("/apps/" + name)) {
      assertTrue(in != null, "missing test resource apps/" + name);
      Path out = dir.resolve(name);
      Files.createDirectories(dir);
      Files.copy(in, out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Ledger.g4 (hand-written, a test resource) and the generated SQL-like grammars of
   * {@link #GENERATED_GRAMMARS}, as files of the grammar directory; returns their paths relative
   * to {@code dir}.
   */
  private static List<String> writeGrammars(Path dir) {
    Path g = dir.resolve("grammars");
    copyResource("Ledger.g4", g);
    List<String> files = new ArrayList<>(List.of("grammars/Ledger.g4"));
    for (Map.Entry<String, Integer> e : GENERATED_GRAMMARS) {
      writeSqlGrammar(g, e.getKey(), e.getValue());
      files.add("grammars/" + e.getKey() + ".g4");
    }
    return files;
  }

  /**
   * The generated grammars and their statement counts: together with Ledger.g4 about 3 s of the
   * tool's work on this project's reference machine, a workload of "a few seconds".
   */
  static final List<Map.Entry<String, Integer>> GENERATED_GRAMMARS = List.of(
      Map.entry("Query", 40), Map.entry("Catalog", 80), Map.entry("Audit", 120));

  /** A large SQL-like grammar {@code name} with {@code statements} statement kinds. */
  private static void writeSqlGrammar(Path g, String name, int statements) {
    StringBuilder sb = new StringBuilder();
    sb.append("grammar ").append(name).append(";\n\n");
    sb.append("script : (statement ';')* EOF ;\n");
    sb.append("statement : ");
    for (int i = 0; i < statements; i++) {
      sb.append(i == 0 ? "" : "\n          | ").append("stmt").append(i);
    }
    sb.append(" ;\n");
    String[] verbs = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "ALTER", "DROP"};
    for (int i = 0; i < statements; i++) {
      String verb = verbs[i % verbs.length];
      sb.append("stmt").append(i).append(" : K_").append(verb).append(" K_W").append(i)
          .append(" name (K_WITH option").append(i % 7).append(" (',' option").append(i % 7)
          .append(")*)? (K_WHERE expr)? (K_ORDER K_BY expr (',' expr)*)? ;\n");
    }
    for (int i = 0; i < 7; i++) {
      sb.append("option").append(i).append(" : name '=' (literal | name | '(' expr ')')");
      for (int j = 0; j < 6; j++) {
        sb.append(" | K_O").append(i * 6 + j).append(" name?");
      }
      sb.append(" ;\n");
    }
    sb.append("expr : expr ('*' | '/' | '%') expr\n"
        + "     | expr ('+' | '-' | '||') expr\n"
        + "     | expr ('=' | '<>' | '<' | '<=' | '>' | '>=') expr\n"
        + "     | expr K_NOT? K_IN '(' expr (',' expr)* ')'\n"
        + "     | expr K_NOT? K_BETWEEN expr K_AND expr\n"
        + "     | expr K_IS K_NOT? K_NULL\n"
        + "     | K_NOT expr\n"
        + "     | expr K_AND expr\n"
        + "     | expr K_OR expr\n"
        + "     | K_CASE (K_WHEN expr K_THEN expr)+ (K_ELSE expr)? K_END\n"
        + "     | name '(' (expr (',' expr)*)? ')'\n"
        + "     | '(' expr ')'\n"
        + "     | literal\n"
        + "     | name ('.' name)*\n"
        + "     ;\n");
    sb.append("literal : NUMBER | STRING | K_NULL | K_TRUE | K_FALSE ;\n");
    sb.append("name : ID | QUOTED");
    for (int i = 0; i < 42; i++) {
      sb.append(" | K_O").append(i);
    }
    sb.append(" ;\n\n");
    List<String> keywords = new ArrayList<>(List.of(verbs));
    keywords.addAll(List.of("WITH", "WHERE", "ORDER", "BY", "NOT", "IN", "BETWEEN", "AND", "OR", "IS",
        "NULL", "TRUE", "FALSE", "CASE", "WHEN", "THEN", "ELSE", "END"));
    for (int i = 0; i < statements; i++) {
      keywords.add("W" + i);
    }
    for (int i = 0; i < 42; i++) {
      keywords.add("O" + i);
    }
    for (String k : keywords) {
      String word = k.matches("[WO]\\d+") ? (k.charAt(0) == 'W' ? "word" : "opt") + k.substring(1) : k;
      sb.append("K_").append(k).append(" : ");
      for (char c : word.toCharArray()) {
        sb.append(Character.isLetter(c) ? "[" + Character.toLowerCase(c) + Character.toUpperCase(c) + "]"
            : "'" + c + "'").append(' ');
      }
      sb.append(";\n");
    }
    sb.append("NUMBER : [0-9]+ ('.' [0-9]+)? ;\n"
        + "STRING : '\\'' (~'\\'' | '\\'\\'')* '\\'' ;\n"
        + "QUOTED : '\"' (~'\"' | '\"\"')* '\"' ;\n"
        + "ID : [a-zA-Z_] [a-zA-Z_0-9]* ;\n"
        + "WS : [ \\t\\r\\n]+ -> skip ;\n");
    try {
      Files.writeString(g.resolve(name + ".g4"), sb.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The SQL workload for H2. */
  private static Path writeH2Script(Path dir) {
    StringBuilder sb = new StringBuilder();
    sb.append("CREATE TABLE customer(id INT PRIMARY KEY, name VARCHAR(40), region VARCHAR(10), since DATE);\n");
    sb.append("INSERT INTO customer SELECT X, 'customer-' || X, 'R' || MOD(X, 17),"
        + " DATEADD('DAY', MOD(X * 13, 2000), DATE '2019-01-01') FROM SYSTEM_RANGE(1, 6000);\n");
    sb.append("CREATE TABLE product(id INT PRIMARY KEY, title VARCHAR(40), category VARCHAR(20),"
        + " price DECIMAL(10,2));\n");
    // Single-row inserts: the parser and the per-statement paths do real work.
    for (int i = 1; i <= 2_000; i++) {
      sb.append("INSERT INTO product VALUES(").append(i).append(", 'product-").append(i)
          .append("', 'cat-").append(i % 23).append("', ").append((i * 37) % 1000).append('.')
          .append(i % 100 < 10 ? "0" : "").append(i % 100).append(");\n");
    }
    sb.append("CREATE TABLE orders(id INT PRIMARY KEY, customer_id INT, product_id INT, qty INT, odate DATE);\n");
    sb.append("INSERT INTO orders SELECT X, MOD(X * 7919, 6000) + 1, MOD(X * 104729, 2000) + 1,"
        + " MOD(X, 9) + 1, DATEADD('DAY', MOD(X, 365), DATE '2025-01-01') FROM SYSTEM_RANGE(1, 60000);\n");
    sb.append("CREATE INDEX orders_customer ON orders(customer_id);\n");
    sb.append("SELECT c.region, COUNT(*) AS n, SUM(o.qty * p.price) AS revenue FROM orders o"
        + " JOIN customer c ON c.id = o.customer_id JOIN product p ON p.id = o.product_id"
        + " GROUP BY c.region ORDER BY c.region;\n");
    sb.append("SELECT p.category, COUNT(DISTINCT o.customer_id) AS buyers, MAX(o.qty) AS most"
        + " FROM orders o JOIN product p ON p.id = o.product_id GROUP BY p.category ORDER BY p.category;\n");
    sb.append("SELECT MONTH(odate) AS m, COUNT(*) AS n, SUM(qty) AS q FROM orders GROUP BY MONTH(odate) ORDER BY m;\n");
    sb.append("SELECT COUNT(DISTINCT product_id), COUNT(DISTINCT customer_id), COUNT(DISTINCT odate) FROM orders;\n");
    sb.append("SELECT id, name, spent FROM (SELECT c.id, c.name, SUM(o.qty * p.price) AS spent,"
        + " RANK() OVER (ORDER BY SUM(o.qty * p.price) DESC, c.id) AS r FROM customer c"
        + " JOIN orders o ON o.customer_id = c.id JOIN product p ON p.id = o.product_id"
        + " GROUP BY c.id, c.name) t WHERE r <= 10 ORDER BY r;\n");
    sb.append("SELECT region, COUNT(*) FROM customer WHERE id IN (SELECT customer_id FROM orders"
        + " WHERE qty > 7 AND odate BETWEEN DATE '2025-03-01' AND DATE '2025-05-31') GROUP BY region ORDER BY region;\n");
    sb.append("UPDATE product SET price = price * 1.1 WHERE MOD(id, 3) = 0;\n");
    sb.append("DELETE FROM orders WHERE MOD(id, 10) = 0;\n");
    sb.append("SELECT COUNT(*), SUM(qty), ROUND(AVG(p.price), 4) FROM orders o JOIN product p ON p.id = o.product_id;\n");
    sb.append("SELECT category, STRING_AGG(DISTINCT CAST(MOD(id, 5) AS VARCHAR), ',' ORDER BY CAST(MOD(id, 5) AS VARCHAR))"
        + " FROM product GROUP BY category ORDER BY category;\n");
    sb.append("DROP ALL OBJECTS;\n");
    Path script = dir.resolve("workload.sql");
    try {
      Files.createDirectories(dir);
      Files.writeString(script, sb.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return script;
  }
}
