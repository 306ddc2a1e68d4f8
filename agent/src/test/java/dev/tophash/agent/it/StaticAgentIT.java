package dev.tophash.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.it.apps.ShipsOwnLibsApp;
import dev.tophash.it.apps.SitesApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code -javaagent:} on real JVMs: sites and lines, unchanged output and exit code, bad options. */
class StaticAgentIT {
  /** The fixture's source, found from its class: target/test-classes/../../src/test/java. */
  private static final String SITES_APP = Paths.get(Jvm.location(SitesApp.class))
      .resolve("../../src/test/java/dev/tophash/it/apps/SitesApp.java").normalize().toString();

  @TempDir
  Path tmp;

  static java.util.stream.Stream<String> javas() {
    return Jvm.javas();
  }

  /** Marker name to line, from {@code // SITE:name} comments. */
  static Map<String, Integer> markers(String source) throws IOException {
    Map<String, Integer> out = new HashMap<>();
    List<String> lines = Files.readAllLines(Paths.get(source));
    Pattern p = Pattern.compile("// SITE:(\\w+)");
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = p.matcher(lines.get(i));
      if (m.find()) {
        out.put(m.group(1), i + 1);
      }
    }
    return out;
  }

  /** Marker to "class TAB key" from the probe file. */
  static Map<String, String> probe(Path file) throws IOException {
    Map<String, String> out = new HashMap<>();
    for (String l : Files.readAllLines(file)) {
      String[] f = l.split("\t");
      out.put(f[0], f[1] + "\t" + f[2]);
    }
    return out;
  }

  static void assertReportWritten(Path dir, Jvm.Result r) throws IOException {
    Assumptions.assumeFalse(r.stderr.contains("UnsupportedOperationException"),
        "ReportWriter is still a stub in the installed reports module: " + r.stderr);
    assertTrue(Files.isDirectory(dir), "no report directory " + dir + "\n" + r);
    try (var files = Files.list(dir)) {
      assertTrue(files.findAny().isPresent(), "empty report directory " + dir + "\n" + r);
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void sitesFoundWithTheirLinesAndOutputUnchanged(String java) throws Exception {
    String cp = Jvm.appClassPath();
    Path plainProbe = tmp.resolve("plain.tsv");
    Jvm.Result plain = Jvm.run(Jvm.java(java, "-Dsites.out=" + plainProbe, "-cp", cp,
        SitesApp.class.getName(), "3"));
    assertEquals(3, plain.exitCode, plain.toString());

    Path report = tmp.resolve("report");
    Path agentProbe = tmp.resolve("agent.tsv");
    Jvm.Result agent = Jvm.run(Jvm.java(java,
        "-javaagent:" + Jvm.agentJar() + "=report=" + report + ",interval=off",
        "-Dsites.out=" + agentProbe, "-cp", cp, SitesApp.class.getName(), "3"));
    assertEquals(3, agent.exitCode, agent.toString());
    assertEquals(plain.stdout, agent.stdout, agent.toString());
    List<String> agentLines = Jvm.agentLines(agent.stderr);
    assertTrue(agentLines.get(0).startsWith("tophash: profiling HashMap sites (impl=tophash), report -> "),
        agent.stderr);
    // Exactly one line: the map classes are defined in the boot loader rather than appended to
    // the boot class path, so HotSpot has no class-data-sharing warning to print either.
    assertEquals(1, agent.stderr.strip().lines().count(), agent.stderr);

    Map<String, Integer> lines = markers(SITES_APP);
    Map<String, String> seen = probe(agentProbe);
    String cls = SitesApp.class.getName();
    for (String marker : new String[] {"counts", "sized", "copy", "factory", "static"}) {
      String method = marker.equals("static") ? "<clinit>" : "main";
      assertEquals("dev.tophash.map.TophashMap\t" + cls + "#" + method + ":" + lines.get(marker),
          seen.get(marker), marker);
    }
    assertEquals("java.util.LinkedHashMap\t-", seen.get("linked"));
    Map<String, String> without = probe(plainProbe);
    assertEquals("java.util.HashMap\t-", without.get("counts"));
    assertReportWritten(report, agent);
  }

  @ParameterizedTest
  @MethodSource("javas")
  void implHashMapAllocatesRecordingHashMapAtTheSameSites(String java) throws Exception {
    String cp = Jvm.appClassPath();
    Jvm.Result plain = Jvm.run(Jvm.java(java, "-cp", cp, SitesApp.class.getName()));
    Path probe = tmp.resolve("hashmap.tsv");
    Path report = tmp.resolve("report-a");
    Jvm.Result agent = Jvm.run(Jvm.java(java,
        "-javaagent:" + Jvm.agentJar() + "=report=" + report + ",interval=off,impl=hashmap",
        "-Dsites.out=" + probe, "-cp", cp, SitesApp.class.getName()));
    assertEquals(0, agent.exitCode, agent.toString());
    assertEquals(plain.stdout, agent.stdout);
    assertTrue(Jvm.agentLines(agent.stderr).get(0).contains("(impl=hashmap)"), agent.stderr);
    Map<String, Integer> lines = markers(SITES_APP);
    assertEquals("dev.tophash.map.RecordingHashMap\t" + SitesApp.class.getName() + "#main:"
        + lines.get("sized"), probe(probe).get("sized"));
    assertReportWritten(report, agent);
  }

  @ParameterizedTest
  @MethodSource("javas")
  void applicationWithItsOwnByteBuddyAndHdrHistogram(String java) throws Exception {
    String cp = Jvm.appClassPath(net.bytebuddy.ByteBuddy.class, org.HdrHistogram.Histogram.class);
    Jvm.Result plain = Jvm.run(Jvm.java(java, "-cp", cp, ShipsOwnLibsApp.class.getName()));
    assertEquals(0, plain.exitCode, plain.toString());
    assertTrue(plain.stdout.contains("generated by byte buddy"), plain.toString());
    Path probe = tmp.resolve("own.tsv");
    Jvm.Result agent = Jvm.run(Jvm.java(java,
        "-javaagent:" + Jvm.agentJar() + "=report=" + tmp.resolve("r") + ",interval=off",
        "-Dsites.out=" + probe, "-cp", cp, ShipsOwnLibsApp.class.getName()));
    assertEquals(0, agent.exitCode, agent.toString());
    assertEquals(plain.stdout, agent.stdout);
    assertTrue(agent.stdout.contains("from org.HdrHistogram.Histogram"), agent.stdout);
    assertTrue(probe(probe).get("own").startsWith("dev.tophash.map.TophashMap\t"), Jvm.read(probe));
  }

  @ParameterizedTest
  @MethodSource("javas")
  void jdkClassesOnlyWhenAskedAndAttributedToTheJdk(String java) throws Exception {
    String cp = Jvm.appClassPath();
    String app = dev.tophash.it.apps.JdkMapsApp.class.getName();
    Path byDefault = tmp.resolve("default.tsv");
    Jvm.Result plain = Jvm.run(Jvm.java(java,
        "-javaagent:" + Jvm.agentJar() + "=report=" + tmp.resolve("r1") + ",interval=off",
        "-Dsites.out=" + byDefault, "-cp", cp, app));
    assertEquals(0, plain.exitCode, plain.toString());
    assertEquals("java.util.HashMap\t-", probe(byDefault).get("toMap"), "JDK excluded by default");

    Path withJdk = tmp.resolve("jdk.tsv");
    Jvm.Result jdk = Jvm.run(Jvm.java(java,
        "-javaagent:" + Jvm.agentJar() + "=report=" + tmp.resolve("r2") + ",interval=off,jdk=true",
        "-Dsites.out=" + withJdk, "-cp", cp, app));
    assertEquals(0, jdk.exitCode, jdk.toString());
    assertEquals(plain.stdout, jdk.stdout);
    Map<String, String> seen = probe(withJdk);
    assertTrue(seen.get("toMap").matches("dev\\.tophash\\.map\\.TophashMap\tjava\\.util\\.stream\\.Collectors#toMap:\\d+"),
        seen.get("toMap"));
    assertTrue(seen.get("groupingBy").matches("dev\\.tophash\\.map\\.TophashMap\tjava\\.util\\.stream\\.Collectors#groupingBy:\\d+"),
        seen.get("groupingBy"));
    assertEquals(1, Jvm.agentLines(jdk.stderr).size(), jdk.stderr);
  }

  @ParameterizedTest
  @MethodSource("javas")
  void badOptionsAreRefusedAndTheApplicationRunsUnchanged(String java) throws Exception {
    String cp = Jvm.appClassPath();
    Jvm.Result plain = Jvm.run(Jvm.java(java, "-cp", cp, SitesApp.class.getName(), "5"));
    Path report = tmp.resolve("never");
    Path probe = tmp.resolve("bad.tsv");
    Jvm.Result bad = Jvm.run(Jvm.java(java,
        "-javaagent:" + Jvm.agentJar() + "=report=" + report + ",bogus=1",
        "-Dsites.out=" + probe, "-cp", cp, SitesApp.class.getName(), "5"));
    assertEquals(5, bad.exitCode, bad.toString());
    assertEquals(plain.stdout, bad.stdout);
    List<String> lines = Jvm.agentLines(bad.stderr);
    assertEquals(1, lines.size(), bad.stderr);
    assertTrue(lines.get(0).contains("unknown option \"bogus\""), bad.stderr);
    assertTrue(lines.get(0).contains("valid options: report=DIR, include=PATTERNS"), bad.stderr);
    assertFalse(bad.stderr.contains("Sharing is only supported"),
        "refused options must not touch the bootstrap class path");
    assertFalse(Files.exists(report));
    assertEquals("java.util.HashMap\t-", probe(probe).get("counts"));

    Jvm.Result help = Jvm.run(Jvm.java(java, "-javaagent:" + Jvm.agentJar() + "=help",
        "-cp", cp, SitesApp.class.getName(), "0"));
    assertEquals(0, help.exitCode, help.toString());
    assertEquals(plain.stdout, help.stdout);
    assertTrue(help.stderr.contains("interval=DURATION") && help.stderr.contains("impl=tophash|hashmap"),
        help.stderr);
  }

  @ParameterizedTest
  @MethodSource("javas")
  void includeAndExcludePatterns(String java) throws Exception {
    String cp = Jvm.appClassPath();
    Path excluded = tmp.resolve("excluded.tsv");
    Jvm.Result r = Jvm.run(Jvm.java(java, "-javaagent:" + Jvm.agentJar() + "=report="
        + tmp.resolve("r") + ",interval=off,include=dev.tophash.it.*,exclude=dev.tophash.it.apps.Sites*",
        "-Dsites.out=" + excluded, "-cp", cp, SitesApp.class.getName()));
    assertEquals(0, r.exitCode, r.toString());
    assertEquals("java.util.HashMap\t-", probe(excluded).get("counts"));
    Path included = tmp.resolve("included.tsv");
    Jvm.Result r2 = Jvm.run(Jvm.java(java, "-javaagent:" + Jvm.agentJar() + "=report="
        + tmp.resolve("r2") + ",interval=off,include=dev.tophash.it.apps.*|com.nothing.*",
        "-Dsites.out=" + included, "-cp", cp, SitesApp.class.getName()));
    assertEquals(0, r2.exitCode, r2.toString());
    assertTrue(probe(included).get("counts").startsWith("dev.tophash.map.TophashMap\t"),
        Jvm.read(included));
  }

  @ParameterizedTest
  @MethodSource("javas")
  void unwritableReportDirectoryIsOneLineAndChangesNothingElse(String java) throws Exception {
    String cp = Jvm.appClassPath();
    Jvm.Result plain = Jvm.run(Jvm.java(java, "-cp", cp, SitesApp.class.getName(), "4"));
    Path blocker = tmp.resolve("file-not-dir");
    Files.writeString(blocker, "x");
    Jvm.Result agent = Jvm.run(Jvm.java(java,
        "-javaagent:" + Jvm.agentJar() + "=report=" + blocker.resolve("sub") + ",interval=100ms",
        "-cp", cp, SitesApp.class.getName(), "4"));
    assertEquals(4, agent.exitCode, agent.toString());
    assertEquals(plain.stdout, agent.stdout);
    List<String> lines = Jvm.agentLines(agent.stderr);
    assertTrue(lines.stream().allMatch(l -> l.startsWith("tophash: ")), agent.stderr);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("tophash: could not write the report to ")),
        agent.stderr);
    assertTrue(lines.size() <= 3, "start-up line, at most one interval-log line, one report line: "
        + agent.stderr);
  }

  @ParameterizedTest
  @MethodSource("javas")
  void commandLineHelpAndReportCommandsDelegate(String java) throws Exception {
    Jvm.Result help = Jvm.run(Jvm.java(java, "-jar", Jvm.agentJar().toString(), "--help"));
    assertEquals(0, help.exitCode, help.toString());
    assertTrue(help.stdout.contains("attach <pid> [options]"), help.stdout);
    assertTrue(help.stdout.contains("EnableDynamicAgentLoading"), help.stdout);
    Jvm.Result report = Jvm.run(Jvm.java(java, "-jar", Jvm.agentJar().toString(), "compare"));
    assertFalse(report.stderr.contains("unknown command"), report.toString());
    Jvm.Result unknown = Jvm.run(Jvm.java(java, "-jar", Jvm.agentJar().toString(), "frobnicate"));
    assertEquals(2, unknown.exitCode);
    assertTrue(unknown.stderr.contains("unknown command \"frobnicate\""), unknown.stderr);
  }
}
