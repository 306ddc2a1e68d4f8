package dev.tophash.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteSnapshot;
import dev.tophash.reports.cli.ReportsCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML pages: self-contained, and rendered by headless Chromium with every chart drawn and no
 * script error. Also leaves {@code target/sample-report/} and {@code target/sample-compare.html}
 * for {@code reports/screenshot.sh}.
 */
class HtmlReportTest {
  static final Path SAMPLE = Path.of("target", "sample-report");
  static final Path SAMPLE_COMPARE = Path.of("target", "sample-compare.html");

  @TempDir
  Path tmp;

  /** Writes the sample report, with three intervals in intervals.hlog, and the sample compare. */
  @BeforeAll
  static void samples() throws Exception {
    Files.createDirectories(SAMPLE);
    try (IntervalLog log = new IntervalLog(SAMPLE.resolve("intervals.hlog"), Fixtures.START)) {
      for (int i = 0; i < 3; i++) {
        List<SiteSnapshot> sites = new ArrayList<>();
        Fixtures.Site cache = Fixtures.cache();
        cache.record(dev.tophash.map.Metric.PROBE_HIT, 4 + 3 * i, 100 * (i + 1));
        sites.add(cache.build());
        sites.add(Fixtures.queue().build());
        log.append(new ProfileSnapshot(Fixtures.START + i * 10_000L, Fixtures.START + (i + 1) * 10_000L,
            true, 1, 1, sites));
      }
    }
    ReportWriter.write(SAMPLE, Fixtures.report());
    Path a = SAMPLE.resolve("report.json");
    Path b = SAMPLE.getParent().resolve("sample-b.json");
    AtomicFiles.writeBytes(b, out -> dev.tophash.reports.json.JsonReport.write(CompareMergeTest.reportB(), out));
    int code = ReportsCli.run(new String[] {"compare", a.toString(), b.toString(), "--html",
        SAMPLE_COMPARE.toString()}, new PrintStream(new ByteArrayOutputStream()), System.err);
    assertEquals(0, code);
  }

  @Test
  void pageIsSelfContained() throws Exception {
    String html = Files.readString(SAMPLE.resolve("report.html"));
    assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"),
        "no network references");
    assertFalse(html.contains("https://"));
    assertFalse(html.contains("<script src"));
    assertFalse(html.contains("<link"));
    assertFalse(html.contains("/*DATA*/"));
    assertFalse(html.contains("<!--TITLE-->"));
    assertTrue(html.contains("\"kind\":\"time\""), "the interval series of intervals.hlog are in the page");
  }

  @Test
  void dataCannotCloseTheScript() throws Exception {
    Fixtures.Site evil = new Fixtures.Site(9, "com.example.X", "</script><b>", 1, 0)
        .count(dev.tophash.map.Counter.MAPS, 1);
    Path dir = tmp.resolve("evil");
    ReportWriter.write(dir, new Report(Fixtures.run("tophash"), Fixtures.snapshot(evil)));
    String html = Files.readString(dir.resolve("report.html"));
    assertEquals(2, count(html, "</script>"), "only the template's two script elements close");
  }

  @Test
  void reportRendersInChromium() throws Exception {
    rendersEveryChart(SAMPLE.resolve("report.html"));
  }

  @Test
  void compareRendersInChromium() throws Exception {
    String dom = rendersEveryChart(SAMPLE_COMPARE);
    assertTrue(dom.contains("stroke-dasharray=\"6 3\""), "A is drawn dashed");
  }

  /** Renders {@code page}; asserts every chart of its data became an SVG with paths and no error. */
  private String rendersEveryChart(Path page) throws Exception {
    Path chromium = Chromium.find();
    assumeTrue(chromium != null, "chromium is not installed");
    String html = Files.readString(page);
    int expected = count(html, "\"kind\":\"percentile\"") + count(html, "\"kind\":\"time\"");
    assertTrue(expected > 0);
    Path profile = Files.createDirectories(tmp.resolve("profile"));
    Chromium.Run run = Chromium.run(chromium, page.toAbsolutePath(), profile,
        "--virtual-time-budget=5000", "--dump-dom");
    String dom = run.stdout();
    assertTrue(dom.contains("data-rendered=\"true\""), () -> "the script did not finish:\n" + run.stderr());
    assertFalse(dom.contains("data-errors="), () -> "script errors: " + attr(dom, "data-errors"));
    for (String line : run.stderr().split("\n")) {
      assertFalse(line.contains("Uncaught") || (line.contains(":CONSOLE") && line.contains("rror")),
          "console error: " + line);
    }
    assertEquals(String.valueOf(expected), attr(dom, "data-charts"));
    assertEquals(expected, count(dom, "<svg class=\"chart\""));
    Matcher svg = Pattern.compile("<svg class=\"chart\".*?</svg>", Pattern.DOTALL).matcher(dom);
    int charts = 0;
    while (svg.find()) {
      charts++;
      assertTrue(svg.group().contains("<path class=\"series\""), "a chart without a line");
      assertFalse(svg.group().contains("NaN"), "a chart with NaN coordinates");
    }
    assertEquals(expected, charts);
    int rows = count(dom, "<tr>") - 1;
    assertTrue(rows >= 1, "the site table has rows");
    return dom;
  }

  @Test
  void emptyReportRendersToo() throws Exception {
    Path chromium = Chromium.find();
    assumeTrue(chromium != null, "chromium is not installed");
    Path dir = tmp.resolve("empty");
    ReportWriter.write(dir, new Report(Fixtures.run("tophash"), Fixtures.snapshot(Fixtures.idle())));
    Path profile = Files.createDirectories(tmp.resolve("empty-profile"));
    String dom = Chromium.run(chromium, dir.resolve("report.html").toAbsolutePath(), profile,
        "--virtual-time-budget=5000", "--dump-dom").stdout();
    assertTrue(dom.contains("data-rendered=\"true\""));
    assertFalse(dom.contains("data-errors="), () -> attr(dom, "data-errors"));
    assertEquals("0", attr(dom, "data-charts"));
    assertTrue(dom.contains("No site recorded anything"));
  }

  @Test
  void tableSortsByColumn() throws Exception {
    Path chromium = Chromium.find();
    assumeTrue(chromium != null, "chromium is not installed");
    Path profile = Files.createDirectories(tmp.resolve("sort-profile"));
    String url = SAMPLE.resolve("report.html").toAbsolutePath().toUri() + "#sort=-6";
    String dom = Chromium.run(chromium, url, profile, "--virtual-time-budget=5000", "--dump-dom").stdout();
    // column 6 is the mean probe length: the index (30.50) before the queue (2.47) and the cache (2.00)
    Matcher rows = Pattern.compile("<td class=\"text site\" title=\"([^\"]+)\"").matcher(dom);
    List<String> order = new ArrayList<>();
    while (rows.find()) {
      order.add(rows.group(1));
    }
    assertEquals(List.of(Fixtures.INDEX, Fixtures.QUEUE, Fixtures.CACHE), order);
    assertTrue(dom.contains("class=\"sorted-desc\""), "the sorted column is marked");
  }

  @Test
  void screenshotIsTaken() throws Exception {
    Path chromium = Chromium.find();
    assumeTrue(chromium != null, "chromium is not installed");
    Path profile = Files.createDirectories(tmp.resolve("shot-profile"));
    Path png = tmp.resolve("shot.png");
    Chromium.run(chromium, SAMPLE.resolve("report.html").toAbsolutePath(), profile,
        "--hide-scrollbars", "--window-size=1400,1800", "--screenshot=" + png.toAbsolutePath());
    byte[] bytes = Files.readAllBytes(png);
    assertTrue(bytes.length > 10_000, "a real picture");
    assertEquals((byte) 0x89, bytes[0]);
    assertEquals('P', bytes[1]);
  }

  private static String attr(String dom, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom);
    return m.find() ? m.group(1) : null;
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }

  static String utf8(ByteArrayOutputStream b) {
    return b.toString(StandardCharsets.UTF_8);
  }
}
