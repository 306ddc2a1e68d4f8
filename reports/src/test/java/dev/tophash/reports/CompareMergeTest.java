package dev.tophash.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.map.Counter;
import dev.tophash.map.Metric;
import dev.tophash.map.SiteSnapshot;
import dev.tophash.reports.cli.ReportsCli;
import dev.tophash.reports.compare.Comparison;
import dev.tophash.reports.json.JsonReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare, merge and report, through the CLI as the agent's main calls them, with known answers. */
class CompareMergeTest {
  static final String FRESH = "com.example.Fresh#make:5";

  @TempDir
  Path tmp;

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

  /**
   * Run B against {@link Fixtures#report()} as A: the cache probes twice as far (worse), the
   * index's hash is fixed (better), the queue is unchanged, the idle site is gone, a fresh one is new.
   */
  static Report reportB() {
    Fixtures.Site cache = Fixtures.cache();
    cache.hs.remove(Metric.PROBE_HIT);
    cache.record(Metric.PROBE_HIT, 2, 500).record(Metric.PROBE_HIT, 4, 300)
        .record(Metric.PROBE_HIT, 6, 150).record(Metric.PROBE_HIT, 18, 50);
    Fixtures.Site index = new Fixtures.Site(2, "com.example.Index", "build", 7, 0)
        .count(Counter.MAPS, 1).count(Counter.LOOKUPS, 200).count(Counter.INSERTS, 200)
        .record(Metric.PROBE_HIT, 2, 200).record(Metric.PROBE_INSERT, 2, 200);
    Fixtures.Site fresh = new Fixtures.Site(5, "com.example.Fresh", "make", 5, 0)
        .count(Counter.MAPS, 3);
    RunInfo run = Fixtures.run("tophash");
    run.pid = 4343;
    return new Report(run, Fixtures.snapshot(cache, index, Fixtures.queue(), fresh));
  }

  /** An impl=hashmap run of the cache site: 12 resizes of about 400 us, nothing else known. */
  static Report hashmapArm() {
    Fixtures.Site cache = new Fixtures.Site(1, "com.example.Cache", "load", 42, 0)
        .count(Counter.MAPS, 4).count(Counter.MAPS_TRACKED, 4).count(Counter.RESIZES, 12)
        .count(Counter.LOOKUPS, 1000).count(Counter.INSERTS, 400)
        .record(Metric.RESIZE_NANOS, 400_000, 12).record(Metric.PEAK_SIZE, 128, 4);
    return new Report(Fixtures.run("hashmap"), Fixtures.snapshot(cache));
  }

  private Path json(String name, Report r) throws Exception {
    Path f = tmp.resolve(name);
    AtomicFiles.writeBytes(f, out -> JsonReport.write(r, out));
    return f;
  }

  private int cli(String... args) {
    return ReportsCli.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
        new PrintStream(errBytes, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  private static Comparison.SiteResult site(Comparison c, String key) {
    return c.sites().stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
  }

  /* --- compare --- */

  @Test
  void verdictsHaveKnownAnswers() {
    Comparison c = new Comparison(Fixtures.report(), reportB(), Comparison.DEFAULT_NOISE);
    // cache probes, A: 1x500 2x700 3x150 9x50 -> mean 2.00, p99 9;
    //               B: 2x500+400 4x300 6x150 18x50 -> mean 4800/1400 = 3.43, p99 18
    Comparison.SiteResult cache = site(c, Fixtures.CACHE);
    assertEquals(Comparison.Verdict.WORSE, cache.verdict());
    assertEquals(4800.0 / 1400 / 2.0, cache.worstRatio(), 1e-9);
    assertEquals("probe length worse: mean 2.00 -> 3.43 (1.71x), p99 9 -> 18 (2.00x)",
        cache.reasons().get(0));
    assertEquals("pauses within noise: total 411us -> 411us (1.00x), p99 5.02us -> 5.02us (1.00x)",
        cache.reasons().get(1));
    Comparison.SiteResult index = site(c, Fixtures.INDEX);
    assertEquals(Comparison.Verdict.BETTER, index.verdict());
    assertEquals(2.0 / 31, index.worstRatio(), 1e-9);
    assertEquals(Comparison.Verdict.NOISE, site(c, Fixtures.QUEUE).verdict());
    assertEquals(1.0, site(c, Fixtures.QUEUE).worstRatio(), 1e-9);
    assertEquals(Comparison.Verdict.ONLY_A, site(c, Fixtures.IDLE).verdict());
    assertEquals(Comparison.Verdict.ONLY_B, site(c, FRESH).verdict());
    assertEquals(List.of(Fixtures.CACHE, Fixtures.INDEX, Fixtures.QUEUE, Fixtures.IDLE, FRESH),
        c.sites().stream().map(Comparison.SiteResult::key).toList());
  }

  @Test
  void compareCommandPrintsRuleTableAndDeltas() throws Exception {
    Path a = json("a.json", Fixtures.report());
    Path b = json("b.json", reportB());
    assertEquals(0, cli("compare", a.toString(), b.toString()));
    String text = out();
    assertTrue(text.contains("Verdict rule: per site two measures are judged"), text);
    assertTrue(text.contains("Sites: 3 in both (1 worse, 1 better, 1 within noise), 1 only in A, "
        + "1 only in B\n"), text);
    assertTrue(text.contains(" worse             1.71x  " + Fixtures.CACHE + "\n"), text);
    assertTrue(text.contains(" better            0.06x  " + Fixtures.INDEX + "\n"), text);
    assertTrue(text.contains(" within noise      1.00x  " + Fixtures.QUEUE + "\n"), text);
    assertTrue(text.contains(" only in A             -  " + Fixtures.IDLE + " (maps 0, ops 0)\n"), text);
    assertTrue(text.contains(" only in B             -  " + FRESH + " (maps 3, ops 0)\n"), text);
    // probe.hit of the cache: p50 1 -> 2, p99 9 -> 18, max 9 -> 18
    assertTrue(text.contains("   probe.hit           A       1,000     2.00        1        3        9"
        + "        9        9\n"), text);
    assertTrue(text.contains("                       B       1,000     4.00        2        6       18"
        + "       18       18\n"), text);
    assertTrue(text.contains("                       B-A         0    +2.00       +1       +3       +9"
        + "       +9       +9\n"), text);
    assertTrue(text.contains("                       B/A     1.00x    2.00x    2.00x    2.00x    2.00x"
        + "    2.00x    2.00x\n"), text);
    assertTrue(text.contains("counters A -> B: maps 4 -> 4, mapsTracked 4 -> 4, lookups 1,000 -> 1,000"),
        text);
    for (String l : text.split("\n")) {
      assertTrue(l.length() <= 100, l);
    }
  }

  @Test
  void failIfWorse() throws Exception {
    Path a = json("a.json", Fixtures.report());
    Path b = json("b.json", reportB());
    assertEquals(1, cli("compare", a.toString(), b.toString(), "--fail-if-worse=1.5"));
    assertTrue(err().contains("1 site(s) beyond --fail-if-worse=1.5, the worst " + Fixtures.CACHE
        + " at 1.71x"), err());
    assertTrue(out().contains("--fail-if-worse=1.5: the exit code is 1 when a site's ratio exceeds 1.5."));
    outBytes.reset();
    assertEquals(0, cli("compare", a.toString(), b.toString(), "--fail-if-worse", "2"));
    // the other way round the index is 15.5 times worse
    assertEquals(1, cli("compare", b.toString(), a.toString(), "--fail-if-worse=15"));
    assertEquals(0, cli("compare", b.toString(), a.toString(), "--fail-if-worse=16"));
  }

  @Test
  void hashmapResizesMeetTophashEvacuation() throws Exception {
    Path a = json("hashmap.json", hashmapArm());
    Path b = json("tophash.json", Fixtures.report());
    assertEquals(0, cli("compare", a.toString(), b.toString()));
    String text = out();
    // totals are HdrHistogram's: mean (of bucket midpoints) x count, e.g. 12 x 400,384 ns
    assertTrue(text.contains("   growth pauses side by side:\n"
        + "     run impl   metric            count     total      p50      p99      max\n"
        + "     A hashmap  resize.ns            12    4.80ms    401us    401us    401us\n"
        + "     B tophash  evac.step.ns        101     351us   1.00us   1.00us    251us\n"
        + "     B tophash  grow.start.ns        12    60.1us   5.02us   5.02us   5.02us\n"
        + "     B tophash  grow.total.ns        12    24.0ms   2.01ms   2.01ms   2.01ms\n"
        + "     B tophash  grow.writes          12         -       20       20       20\n"), text);
    Comparison c = new Comparison(hashmapArm(), Fixtures.report(), 0.1);
    assertEquals(Comparison.Verdict.BETTER, site(c, Fixtures.CACHE).verdict(),
        site(c, Fixtures.CACHE).reasons().toString());
    // the same hashmap arm against a tophash arm whose evacuation adds up to more time in smaller
    // steps: total up, p99 down, so the pause measure is mixed and the site within noise
    Fixtures.Site slow = Fixtures.cache();
    slow.record(Metric.EVAC_STEP_NANOS, 100_000, 100);
    Comparison mixed = new Comparison(hashmapArm(),
        new Report(Fixtures.run("tophash"), Fixtures.snapshot(slow)), 0.1);
    Comparison.SiteResult r = site(mixed, Fixtures.CACHE);
    assertEquals(Comparison.Verdict.NOISE, r.verdict(), r.reasons().toString());
    assertTrue(r.reasons().get(0).startsWith("pauses mixed, counted as neither: total 4.80ms -> "),
        r.reasons().toString());
  }

  @Test
  void oneKeyFromTwoClassLoadersIsOneSite() {
    Fixtures.Site again = Fixtures.cache();
    Report twice = new Report(Fixtures.run("tophash"), Fixtures.snapshot(Fixtures.cache(), again));
    Comparison c = new Comparison(twice, Fixtures.report(), 0.1);
    Comparison.SiteResult cache = site(c, Fixtures.CACHE);
    assertEquals(2000, cache.a().histogram(Metric.PROBE_HIT).getTotalCount());
    assertEquals(8, cache.a().counter(Counter.MAPS));
    assertEquals(Comparison.Verdict.NOISE, cache.verdict(), cache.reasons().toString());
  }

  @Test
  void manySitesStayQuick() throws Exception {
    Fixtures.Site[] sites = new Fixtures.Site[600];
    for (int i = 0; i < sites.length; i++) {
      sites[i] = (i % 3 == 0 ? Fixtures.cache() : i % 3 == 1 ? Fixtures.index() : Fixtures.queue());
      Fixtures.Site s = new Fixtures.Site(i, "com.example.Gen" + i, "run", i, 0);
      System.arraycopy(sites[i].counters, 0, s.counters, 0, s.counters.length);
      s.hs.putAll(sites[i].hs);
      sites[i] = s;
    }
    Report big = new Report(Fixtures.run("tophash"), Fixtures.snapshot(sites));
    long t0 = System.nanoTime();
    ReportWriter.write(tmp.resolve("big"), big);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 30_000, "600 sites took " + ms + " ms");
    String text = Files.readString(tmp.resolve("big/summary.txt"));
    assertTrue(text.contains("more active sites"), "the ranking is capped");
    assertTrue(Files.size(tmp.resolve("big/report.html")) < 5_000_000, "the page stays small");
    Report back = JsonReport.read(tmp.resolve("big/report.json"));
    assertEquals(600, back.sites().size());
  }

  @Test
  void compareHtmlOverlaysBothRuns() throws Exception {
    Path a = json("a.json", Fixtures.report());
    Path b = json("b.json", reportB());
    Path html = tmp.resolve("cmp.html");
    assertEquals(0, cli("compare", a.toString(), b.toString(), "--html", html.toString()));
    String page = Files.readString(html);
    assertTrue(page.contains("\"name\":\"A probe.hit\",\"arm\":\"A\""), "A series");
    assertTrue(page.contains("\"name\":\"B probe.hit\",\"arm\":\"B\""), "B series");
  }

  @Test
  void brokenInputsAreNamed() throws Exception {
    Path good = json("a.json", Fixtures.report());
    Path missing = tmp.resolve("missing.json");
    assertEquals(2, cli("compare", good.toString(), missing.toString()));
    assertEquals("tophash compare: " + missing + ": no such file\n", err());
    errBytes.reset();
    Path cut = tmp.resolve("cut.json");
    byte[] all = Files.readAllBytes(good);
    Files.write(cut, java.util.Arrays.copyOf(all, all.length - 40));
    assertEquals(2, cli("compare", cut.toString(), good.toString()));
    assertTrue(err().startsWith("tophash compare: " + cut + ": truncated"), err());
    errBytes.reset();
    Path foreign = Files.writeString(tmp.resolve("foreign.json"), "{\"hello\": \"world\"}");
    assertEquals(2, cli("merge", tmp.resolve("m.json").toString(), good.toString(), foreign.toString()));
    assertTrue(err().startsWith("tophash merge: " + foreign + ": not a tophash report"), err());
    errBytes.reset();
    Path future = Files.writeString(tmp.resolve("future.json"),
        Files.readString(good).replace("tophash-report/1", "tophash-report/2"));
    assertEquals(2, cli("report", future.toString()));
    assertTrue(err().startsWith("tophash report: " + future + ": unsupported schema version"), err());
    errBytes.reset();
    assertEquals(2, cli("compare", good.toString()));
    assertTrue(err().startsWith("tophash compare: expected two reports, A.json and B.json, got 1 argument\n"
        + "usage: compare"), err());
    errBytes.reset();
    assertEquals(2, cli("compare", good.toString(), good.toString(), "--fail-if-worse=lots"));
    assertTrue(err().startsWith("tophash compare: --fail-if-worse expects a number, got \"lots\""), err());
    errBytes.reset();
    assertEquals(2, cli("report", good.toString(), "--colour"));
    assertTrue(err().startsWith("tophash report: unknown option --colour"), err());
    assertEquals(2, cli("frobnicate"));
    assertEquals(2, cli());
  }

  @Test
  void helpForEachCommand() {
    for (String cmd : new String[] {"report", "compare", "merge"}) {
      outBytes.reset();
      assertEquals(0, cli(cmd, "--help"));
      assertTrue(out().startsWith("usage: " + cmd + " <"), out());
    }
    assertTrue(ReportsCli.handles("compare"));
    assertTrue(!ReportsCli.handles("attach"));
  }

  /* --- merge --- */

  @Test
  void mergeAddsHistogramsAndSumsCounters() throws Exception {
    Path a = json("a.json", Fixtures.report());
    Path b = json("b.json", reportB());
    Path merged = tmp.resolve("out/merged.json");
    assertEquals(0, cli("merge", merged.toString(), a.toString(), b.toString()));
    assertEquals("merged 2 reports (2 JVMs, 5 sites) into " + merged + "\n", out());
    Report m = JsonReport.read(merged);
    assertEquals(List.of(Fixtures.CACHE, Fixtures.INDEX, Fixtures.QUEUE, Fixtures.IDLE, FRESH),
        m.sites().stream().map(s -> s.site().key()).toList());
    SiteSnapshot cache = m.sites().get(0);
    assertEquals(8, cache.counter(Counter.MAPS));
    assertEquals(2000, cache.counter(Counter.LOOKUPS));
    assertEquals(24, cache.counter(Counter.DOUBLING_GROWS));
    assertEquals(2000, cache.histogram(Metric.PROBE_HIT).getTotalCount());
    assertEquals(18, cache.histogram(Metric.PROBE_HIT).getMaxValue());
    assertEquals(500 + 0, cache.histogram(Metric.PROBE_HIT).getCountAtValue(1));
    assertEquals(300 + 500, cache.histogram(Metric.PROBE_HIT).getCountAtValue(2));
    assertEquals(202, cache.histogram(Metric.EVAC_STEP_NANOS).getTotalCount());
    assertEquals(4, m.sites().get(4).site().id());
    RunInfo run = m.run();
    assertEquals(2, run.members.size());
    assertEquals(4242, run.members.get(0).pid);
    assertEquals(4343, run.members.get(1).pid);
    assertEquals("OpenJDK 64-Bit Server VM 17.0.15", run.jvm);
    assertEquals(24, run.classesRewritten);
    assertEquals("tophash", run.impl);
    assertEquals("merged from 2 reports of 2 JVMs; class and site counts are summed over them",
        run.notes.get(0));
    // merging the merged report with a third run lists three JVMs, not a nested merge
    Path h = json("h.json", hashmapArm());
    Path again = tmp.resolve("again.json");
    outBytes.reset();
    assertEquals(0, cli("merge", again.toString(), merged.toString(), h.toString()));
    Report m3 = JsonReport.read(again);
    assertEquals(3, m3.run().members.size());
    assertEquals("mixed", m3.run().impl);
    assertEquals(12, m3.sites().get(0).histogram(Metric.RESIZE_NANOS).getTotalCount());
    String text = dev.tophash.reports.text.SummaryText.render(m3);
    assertTrue(text.contains("merged     3 JVMs (listed below)"), text);
    assertTrue(text.contains("member     OpenJDK 64-Bit Server VM 17.0.15, pid 4343, impl=tophash"), text);
  }

  @Test
  void mergeRefusesToOverwriteAnInput() throws Exception {
    Path a = json("a.json", Fixtures.report());
    assertEquals(2, cli("merge", a.toString(), a.toString()));
    assertTrue(err().contains("is also an input"), err());
    assertEquals(2, cli("merge", tmp.resolve("x.json").toString()));
  }

  /* --- report --- */

  @Test
  void reportCommandRegeneratesTheSameText() throws Exception {
    Path dir = tmp.resolve("run");
    ReportWriter.write(dir, Fixtures.run("tophash"), Fixtures.report().snapshot());
    String original = Files.readString(dir.resolve("summary.txt"));
    assertEquals(0, cli("report", dir.resolve("report.json").toString()));
    assertEquals(original, out());
    Path html = tmp.resolve("again.html");
    Path txt = tmp.resolve("again.txt");
    outBytes.reset();
    assertEquals(0, cli("report", dir.resolve("report.json").toString(), "--html", html.toString(),
        "--text", txt.toString()));
    assertEquals("", out());
    assertEquals(original, Files.readString(txt));
    assertTrue(Files.readString(html).contains("\"mode\":\"report\""));
    Path other = tmp.resolve("other");
    assertEquals(0, cli("report", dir.resolve("report.json").toString(), "--dir", other.toString()));
    assertEquals(original, Files.readString(other.resolve("summary.txt")));
    assertTrue(Files.isRegularFile(other.resolve("report.html")));
  }

  @Test
  void writerNamesTheFileItCannotWrite() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> ReportWriter.write(file, Fixtures.report()));
    assertTrue(e.getMessage().startsWith("cannot create report directory " + file + ": "), e.getMessage());
    Path dir = Files.createDirectories(tmp.resolve("ro"));
    Files.createDirectories(dir.resolve("summary.txt.tmp").resolve("blocker"));
    e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> ReportWriter.write(dir, Fixtures.report()));
    assertTrue(e.getMessage().startsWith("cannot write " + dir.resolve("summary.txt") + ": "),
        e.getMessage());
    // text comes first: when the JSON cannot be written the summary is already there
    Path second = Files.createDirectories(tmp.resolve("second"));
    Files.createDirectories(second.resolve("report.json.tmp").resolve("blocker"));
    e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> ReportWriter.write(second, Fixtures.report()));
    assertTrue(e.getMessage().startsWith("cannot write " + second.resolve("report.json") + ": "),
        e.getMessage());
    assertTrue(Files.isRegularFile(second.resolve("summary.txt")));
    assertTrue(!Files.exists(second.resolve("summary.txt.tmp")));
  }
}
