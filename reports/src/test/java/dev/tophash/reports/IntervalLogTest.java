package dev.tophash.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.map.Metric;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntervalLogTest {
  @TempDir
  Path tmp;

  private static ProfileSnapshot interval(long from, long to, Fixtures.Site... sites) {
    List<SiteSnapshot> list = new java.util.ArrayList<>();
    for (Fixtures.Site s : sites) {
      list.add(s.build());
    }
    return new ProfileSnapshot(from, to, true, 1, 1, list);
  }

  private Path twoIntervals() throws Exception {
    Path f = tmp.resolve("intervals.hlog");
    try (IntervalLog log = new IntervalLog(f, Fixtures.START)) {
      log.append(interval(Fixtures.START, Fixtures.START + 10_000, Fixtures.cache(), Fixtures.idle()));
      log.append(interval(Fixtures.START + 10_000, Fixtures.START + 20_000, Fixtures.queue()));
    }
    return f;
  }

  @Test
  void headerFollowsHistogramLogWriter() throws Exception {
    List<String> lines = Files.readAllLines(twoIntervals());
    assertTrue(lines.get(0).startsWith("#tophash interval log"), lines.get(0));
    assertEquals("#[Histogram log format version 1.3]", lines.get(1));
    assertTrue(lines.get(2).startsWith("#[StartTime: 1795000000.000 (seconds since epoch)"), lines.get(2));
    assertTrue(lines.get(3).startsWith("#[BaseTime: 1795000000.000 (seconds since epoch)"), lines.get(3));
    assertEquals("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"",
        lines.get(4));
    assertTrue(lines.get(5).startsWith("Tag=com.example.Cache#load:42.probe.hit,0.000,10.000,9.000,"),
        lines.get(5));
  }

  @Test
  void hdrHistogramsReaderReadsEveryLine() throws Exception {
    Map<String, Long> counts = new HashMap<>();
    Map<String, Double> starts = new HashMap<>();
    try (HistogramLogReader reader = new HistogramLogReader(twoIntervals().toFile())) {
      EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        counts.merge(h.getTag(), ((Histogram) h).getTotalCount(), Long::sum);
        starts.put(h.getTag(), h.getStartTimeStamp() / 1000.0);
      }
    }
    // cache: every event metric it recorded, nothing for map.peak / map.B (per map)
    assertEquals(1000L, counts.get("com.example.Cache#load:42.probe.hit"));
    assertEquals(400L, counts.get("com.example.Cache#load:42.probe.insert"));
    assertEquals(101L, counts.get("com.example.Cache#load:42.evac.step.ns"));
    assertEquals(12L, counts.get("com.example.Cache#load:42.grow.total.ns"));
    assertNull(counts.get("com.example.Cache#load:42.map.peak"));
    assertEquals(900L, counts.get("com.example.Queue#drain:99#1.tombstones.permille"));
    assertEquals(1_795_000_010.0, starts.get("com.example.Queue#drain:99#1.probe.delete"), 1e-6);
    // cache: probe.hit/insert, falsepos.hit, evac.step, grow.start/total/writes; queue: 4
    assertEquals(7 + 4, counts.size(), counts.keySet().toString());
  }

  @Test
  void histogramLogProcessorSelectsOneSiteMetric() throws Exception {
    Path log = twoIntervals();
    Path out = tmp.resolve("processed");
    new org.HdrHistogram.HistogramLogProcessor(new String[] {"-i", log.toString(), "-tag",
        "com.example.Queue#drain:99#1.probe.delete", "-o", out.toString(),
        "-outputValueUnitRatio", "1"}).run();
    List<String> hgrm = Files.readAllLines(Path.of(out + ".hgrm"));
    assertTrue(hgrm.stream().anyMatch(l -> l.startsWith("#[Max     =         3.00, Total count    =          900]")),
        hgrm.toString());
  }

  @Test
  void seriesReadsItBack() throws Exception {
    IntervalSeries s = IntervalSeries.read(twoIntervals());
    List<IntervalSeries.Point> p = s.points(Fixtures.CACHE, Metric.PROBE_HIT);
    assertEquals(1, p.size());
    assertEquals(new IntervalSeries.Point(10.0, 1000, 1, 9, 9), p.get(0));
    assertEquals(20.0, s.points(Fixtures.QUEUE, Metric.PROBE_DELETE).get(0).endSec(), 1e-9);
  }

  @Test
  void tagsEscapeWhatTheFormatCannotCarry() {
    String key = "com.example.K$1#load all,now:12";
    String tag = HlogTags.tag(key, Metric.PROBE_HIT);
    assertEquals("com.example.K$1#load%20all%2Cnow:12.probe.hit", tag);
    assertEquals(key, HlogTags.siteKey(tag));
    assertEquals(Metric.PROBE_HIT, HlogTags.metric(tag));
    assertEquals("a%25b%C3%A9", HlogTags.encode("a%b\u00e9"));
    assertEquals("a%b\u00e9", HlogTags.decode("a%25b%C3%A9"));
    assertEquals(Metric.TOMBSTONE_PERMILLE, HlogTags.metric("x#y:1.tombstones.permille"));
    assertNull(HlogTags.siteKey("no-metric-here"));
  }

  @Test
  void unwritableLogNamesTheFile() {
    Path f = tmp.resolve("missing-dir-is-a-file");
    try {
      Files.writeString(f, "x");
      Path log = f.resolve("intervals.hlog");
      java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
          () -> new IntervalLog(log, 0));
      assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
