package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tophash.it.apps.DemoApp;
import dev.tophash.it.apps.QuietApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code -javaagent} at start-up: the demo on each JDK of the matrix, and the default filters. */
class StaticAgentIT {
  static final String DEMO = DemoApp.class.getName();

  @ParameterizedTest(name = "JDK {0}")
  @ValueSource(ints = {17, 25})
  void demoOnEachJdk(int feature) throws IOException {
    Jdk jdk = Jdk.find(feature);
    assumeTrue(jdk != null, "JDK " + feature + " is not installed (tophash.it.extraJavas)");

    RunResult plain = JvmRun.main(DemoApp.class).name("demo-plain-" + feature).jdk(jdk).run();
    plain.assertExitCode(0);
    RunResult agent = JvmRun.main(DemoApp.class).name("demo-agent-" + feature).jdk(jdk)
        .agent("interval=500ms").run();
    agent.assertExitCode(0);

    assertEquals(plain.stdout(), agent.stdout(), "the demo's output changed under the agent");
    assertEquals(4, RunResult.lines(agent.stdout()).size(), agent::toString);
    assertEquals(plain.stderrLines(), agent.appStderrLines(), "stderr beyond the agent's line");
    agent.assertOnlyStartupLine();

    Path dir = agent.reportDir();
    for (String f : List.of("summary.txt", "report.json", "report.html", "intervals.hlog")) {
      assertTrue(Files.size(dir.resolve(f)) > 0, f + " is empty or missing");
    }
    // hgrm/ only with hgrm=on: otherwise the CLI makes it from report.json.
    assertFalse(Files.exists(dir.resolve("hgrm")), "hgrm/ written without hgrm=on");
    RunResult cli = JvmRun.agentCli("report", dir.resolve("report.json").toString(),
        "--hgrm", dir.resolve("hgrm").toString()).jdk(jdk).name("demo-hgrm-" + feature).run();
    cli.assertExitCode(0);
    try (Stream<Path> hgrm = Files.list(dir.resolve("hgrm"))) {
      assertTrue(hgrm.anyMatch(p -> p.getFileName().toString().endsWith(".hgrm")), "no hgrm files");
    }
    assertTrue(agent.reportFile("intervals.hlog").contains("#[Histogram log format version 1.3]"),
        "intervals.hlog is not an HdrHistogram log");
    assertHdrHistogramReadsTheLog(dir.resolve("intervals.hlog"));
    try (Stream<Path> hgrm = Files.list(dir.resolve("hgrm"))) {
      for (Path p : (Iterable<Path>) hgrm.filter(f -> f.toString().endsWith(".hgrm"))::iterator) {
        String text = Files.readString(p);
        assertTrue(text.contains("#[Mean    =") && text.contains("Total count"),
            () -> p + " is not in HdrHistogram's percentile-distribution format");
      }
    }
    assertTrue(agent.reportFile("report.html").contains("<html"), "report.html is not HTML");

    // Every demo site, with its real class, method and line, in the JSON and in the summary.
    Report report = agent.report();
    String summary = agent.summary();
    String[][] sites = {
        {"orders", "loadOrders"}, {"cells", "priceCells"}, {"window", "slidingWindow"},
        {"words", "countWords"}};
    for (String[] s : sites) {
      int line = Sources.line(DemoApp.class, s[0]);
      Report.Site site = report.site(DEMO, s[1], line, "app");
      assertEquals("DemoApp.java", site.sourceFile());
      assertTrue(site.counter("maps") >= 1, () -> "no map counted at " + site);
      assertTrue(site.operations() > 0, () -> "no operation counted at " + site);
      assertTrue(summary.contains(DEMO + "#" + s[1] + ":" + line),
          () -> "summary.txt does not name " + s[1] + ":" + line + "\n" + summary);
      assertTrue(summary.contains("DemoApp.java:" + line), () -> "summary.txt lacks DemoApp.java:" + line);
    }
    assertEquals(4, report.activeSites(DEMO).size(), () -> "demo sites: " + report.activeSites(DEMO));
    assertEquals(4, report.site(DEMO, "loadOrders", Sources.line(DemoApp.class, "orders"), "app")
        .counter("maps"), "loadOrders builds one map a day for 4 days");
    assertEquals(1_000_000, report.site(DEMO, "slidingWindow", Sources.line(DemoApp.class, "window"), "app")
        .counter("inserts"));
    assertTrue(report.site(DEMO, "slidingWindow", Sources.line(DemoApp.class, "window"), "app")
        .counter("deletes") >= 990_000);

    // The advice a person acts on: presize, hashCode, churn.
    String lower = summary.toLowerCase(java.util.Locale.ROOT);
    assertTrue(lower.contains("presize"), "no presizing advice\n" + summary);
    assertTrue(lower.contains("hashcode"), "no hashCode advice\n" + summary);
    assertTrue(lower.contains("tombstone") || lower.contains("churn"), "no churn advice\n" + summary);
    assertEquals(report.run().path("impl").asText(), "tophash");
  }

  /** {@code %p} in {@code report=} is the pid; without {@code report=} the default is used. */
  @Test
  void reportDirectoryNames() {
    Path work = ItEnv.newWorkDir("report-names");
    JvmRun.RunningJvm withPid = JvmRun.main(QuietApp.class).name("pid").dir(work.resolve("pid"))
        .agent("report=" + work.resolve("pid/out-%p")).start();
    RunResult r = withPid.await();
    r.assertExitCode(0).assertOnlyStartupLine();
    Path expected = work.resolve("pid/out-" + withPid.pid());
    assertTrue(Files.isRegularFile(expected.resolve("summary.txt")), () -> expected + " missing\n" + r);
    assertTrue(r.stderr().contains("report -> " + expected), r::toString);

    // No report= at all: tophash-report-<pid> in the working directory.
    Path dir = work.resolve("default");
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Jdk.current().java().toString());
    cmd.add("-javaagent:" + ItEnv.agentJar());
    cmd.addAll(java.util.List.of("-cp", ItEnv.classes().toString(), QuietApp.class.getName()));
    try {
      Files.createDirectories(dir);
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("default-agent.out").toFile()).start();
      assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(0, p.exitValue());
      Path def = dir.resolve("tophash-report-" + p.pid());
      assertTrue(Files.isRegularFile(def.resolve("report.json")), () -> def + " missing");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** HdrHistogram's own reader takes the interval log: histograms tagged {@code site.metric}. */
  static void assertHdrHistogramReadsTheLog(Path hlog) throws IOException {
    int histograms = 0;
    java.util.Set<String> tags = new java.util.TreeSet<>();
    try (org.HdrHistogram.HistogramLogReader reader = new org.HdrHistogram.HistogramLogReader(hlog.toFile())) {
      org.HdrHistogram.EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        histograms++;
        tags.add(h.getTag());
      }
    }
    assertTrue(histograms > 0, "no interval histograms in " + hlog);
    assertTrue(tags.stream().anyMatch(t -> t != null && t.contains("DemoApp") && t.contains(".probe.")),
        () -> "tags name the site and the metric: " + tags);
  }

  @Test
  @AgentRun(main = QuietApp.class)
  void appWithoutMapsOfItsOwnGetsAnEmptyReport(RunResult r) {
    r.assertExitCode(0).assertOnlyStartupLine();
    assertTrue(r.stdout().startsWith("seen 10007 groups {0=1000"), r::toString);
    Report report = r.report();
    assertTrue(report.activeSites("java.").isEmpty(),
        () -> "JDK maps were rewritten without jdk=true: " + report.activeSites("java."));
    assertTrue(report.activeSites("dev.tophash.it.").isEmpty(), "QuietApp has no HashMap site");
    assertTrue(Files.isRegularFile(r.reportDir().resolve("summary.txt")));
  }

  @Test
  @AgentRun(main = QuietApp.class, agentArgs = "jdk=true")
  void jdkMapsOnlyWithJdkTrue(RunResult r) {
    r.assertExitCode(0).assertOnlyStartupLine();
    assertTrue(r.stdout().startsWith("seen 10007 groups {0=1000"), r::toString);
    Report report = r.report();
    assertFalse(report.activeSites("java.util.HashSet").isEmpty(),
        () -> "with jdk=true HashSet's map should be a site: " + report.sites());
    Report.Site hashSet = report.activeSites("java.util.HashSet").get(0);
    assertTrue(hashSet.line() > 0, "JDK sites keep their real line: " + hashSet);
    assertEquals("bootstrap", hashSet.loaderName());
    assertFalse(report.activeSites("java.util.stream.Collectors").isEmpty(),
        () -> "with jdk=true Collectors.groupingBy's HashMap::new should be a site: " + report.sites());
  }

  /**
   * The agent's promise: nothing on stderr but its one start-up line. HotSpot adds a warning of
   * its own ({@link RunResult#CDS_WARNING}) whenever class data sharing is on and an agent appends
   * to the bootstrap class path; the agent avoids that append, and this test holds it to that
   * (the other tests tolerate the warning).
   */
  @Test
  @AgentRun(main = DemoApp.class, args = "20")
  void stderrHoldsOnlyTheStartupLine(RunResult r) {
    r.assertExitCode(0);
    List<String> err = r.stderrLines();
    assertEquals(1, err.size(), () -> "stderr should be the start-up line alone, was:\n" + r.stderr());
    assertTrue(RunResult.STARTUP_LINE.matcher(err.get(0)).matches(), err.get(0));
  }

  /**
   * The ranking table of summary.txt is read in a terminal and by scripts: every column stays
   * separated from the next, even for the demo's poor-hashCode site whose probe figures run into
   * four digits.
   */
  @Test
  @AgentRun(main = DemoApp.class, args = "10")
  void summaryRankingColumnsStaySeparated(RunResult r) {
    r.assertExitCode(0);
    List<String> lines = RunResult.lines(r.summary());
    int header = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().startsWith("rank ")) {
        header = i;
        break;
      }
    }
    assertTrue(header >= 0, r::summary);
    assertTrue(header + 4 < lines.size() && !lines.get(header + 4).isBlank(), "four demo sites ranked");
    for (int i = header + 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
      String row = lines.get(i);
      String[] cells = row.trim().split("\\s+");
      assertEquals(9, cells.length, () -> "rank, cost, share, maps, ops, probe mean, p99, tomb p90, site: " + row);
    }
  }
}
