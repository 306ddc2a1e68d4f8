package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Very many allocation sites: an application generated at test time with {@value #CLASSES}
 * classes of {@value #METHODS} methods, each method one {@code new HashMap<>()} site (plus one
 * {@code HashMap::new} per class). Every site is rewritten, registered once and reported with its
 * own line.
 */
class ManySitesIT {
  static final int CLASSES = 25;
  static final int METHODS = 80;

  @Test
  void thousandsOfSites() throws IOException {
    Path work = ItEnv.newWorkDir("many-sites");
    Path src = Files.createDirectories(work.resolve("src/gen"));
    List<String> files = new ArrayList<>();
    StringBuilder main = new StringBuilder("package gen;\n\npublic final class Main {\n"
        + "  public static void main(String[] args) {\n    long sum = 0;\n");
    for (int c = 0; c < CLASSES; c++) {
      StringBuilder sb = new StringBuilder("package gen;\n\nimport java.util.HashMap;\n"
          + "import java.util.Map;\nimport java.util.function.Supplier;\n\n"
          + "final class Part" + c + " {\n");
      for (int m = 0; m < METHODS; m++) {
        sb.append("  static int m").append(m).append("(int k) {\n")
            .append("    Map<Integer, Integer> map = new HashMap<>();\n")
            .append("    for (int i = 0; i < k + ").append(m % 7).append("; i++) map.put(i, i);\n")
            .append("    return map.size();\n  }\n");
      }
      sb.append("  static long run() {\n    long s = 0;\n");
      for (int m = 0; m < METHODS; m++) {
        sb.append("    s += m").append(m).append("(").append(c % 5 + 1).append(");\n");
      }
      sb.append("    Supplier<Map<String, Integer>> factory = HashMap::new;\n")
          .append("    Map<String, Integer> made = factory.get();\n")
          .append("    made.put(\"x\", 1);\n")
          .append("    return s + made.size();\n  }\n}\n");
      Path f = src.resolve("Part" + c + ".java");
      Files.writeString(f, sb);
      files.add(f.toString());
      main.append("    sum += Part").append(c).append(".run();\n");
    }
    main.append("    System.out.println(\"sum \" + sum);\n  }\n}\n");
    Files.writeString(src.resolve("Main.java"), main);
    files.add(src.resolve("Main.java").toString());
    Path classes = work.resolve("classes");
    List<String> args = new ArrayList<>(List.of("--release", "17", "-g", "-nowarn", "-d", classes.toString()));
    args.addAll(files);
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(new String[0])));

    RunResult plain = JvmRun.main("gen.Main").name("plain").dir(work.resolve("plain")).classpath(classes).run();
    RunResult r = JvmRun.main("gen.Main").name("agent").dir(work.resolve("agent")).classpath(classes)
        .agent("").run();
    plain.assertExitCode(0);
    r.assertExitCode(0).assertOnlyStartupLine();
    assertEquals(plain.stdout(), r.stdout());

    Report report = r.report();
    int expected = CLASSES * (METHODS + 1);
    assertEquals(expected, report.run().path("sitesRewritten").asLong(), "sites rewritten");
    List<Report.Site> active = report.activeSites("gen.");
    assertEquals(expected, active.size(), "every site allocated one map");
    Set<String> keys = new HashSet<>();
    for (Report.Site s : active) {
      assertEquals(1, s.counter("maps"), () -> "one map per site: " + s);
      assertTrue(s.line() > 0 && s.sourceFile().startsWith("Part"), () -> "where is " + s);
      assertTrue(keys.add(s.className() + "#" + s.methodName() + ":" + s.line()), () -> "duplicate " + s);
    }
    // m17 of Part3: its allocation is on the 2nd line of the method
    int line = 9 + 17 * 5;
    Report.Site m17 = report.site("gen.Part3", "m17", line, "app");
    assertEquals(3 % 5 + 1 + 17 % 7, m17.counter("inserts"));
  }
}
