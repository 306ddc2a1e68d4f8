package dev.tophash.reports;

import dev.tophash.map.Counter;
import dev.tophash.map.Metric;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteInfo;
import dev.tophash.map.SiteSnapshot;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Hand-made recordings with known answers. Every value is small enough for HdrHistogram (2
 * significant digits) to keep it exactly, or a round number whose bucket edges are listed.
 */
final class Fixtures {
  static final long START = 1_795_000_000_000L; // 2026-11-18 ...
  static final long END = START + 60_000;

  static final String CACHE = "com.example.Cache#load:42";
  static final String INDEX = "com.example.Index#build:7";
  static final String QUEUE = "com.example.Queue#drain:99#1";
  static final String IDLE = "com.example.Idle#<init>:-1";

  private Fixtures() {}

  /** A site builder. */
  static final class Site {
    final SiteInfo info;
    final long[] counters = new long[Counter.values().length];
    final Map<Metric, Histogram> hs = new EnumMap<>(Metric.class);

    Site(int id, String cls, String method, int line, int ordinal) {
      info = new SiteInfo(id, cls, method, "()V", cls.substring(cls.lastIndexOf('.') + 1) + ".java",
          line, ordinal, "app");
    }

    Site count(Counter c, long n) {
      counters[c.ordinal()] = n;
      return this;
    }

    Site record(Metric m, long value, long count) {
      hs.computeIfAbsent(m, k -> SiteSnapshot.newHistogram()).recordValueWithCount(value, count);
      return this;
    }

    SiteSnapshot build() {
      return new SiteSnapshot(info, counters, hs);
    }
  }

  /** Presize (3 grows per map, peaks 64..255) and growth pauses (evac step max 250us). */
  static Site cache() {
    return new Site(1, "com.example.Cache", "load", 42, 0)
        .count(Counter.MAPS, 4).count(Counter.MAPS_TRACKED, 4)
        .count(Counter.LOOKUPS, 1000).count(Counter.INSERTS, 400)
        .count(Counter.DOUBLING_GROWS, 12)
        .record(Metric.PROBE_HIT, 1, 500).record(Metric.PROBE_HIT, 2, 300)
        .record(Metric.PROBE_HIT, 3, 150).record(Metric.PROBE_HIT, 9, 50)
        .record(Metric.PROBE_INSERT, 2, 400)
        .record(Metric.FALSEPOS_HIT, 0, 990).record(Metric.FALSEPOS_HIT, 1, 10)
        .record(Metric.PEAK_SIZE, 64, 2).record(Metric.PEAK_SIZE, 128, 2)
        .record(Metric.FINAL_B, 5, 4)
        .record(Metric.EVAC_STEP_NANOS, 1000, 100).record(Metric.EVAC_STEP_NANOS, 250_000, 1)
        .record(Metric.GROW_START_NANOS, 5000, 12)
        .record(Metric.GROW_TOTAL_NANOS, 2_000_000, 12)
        .record(Metric.GROW_WRITES, 20, 12);
  }

  /** A poor hash: 30 slots per hit, 5 failed equals each, long probes. */
  static Site index() {
    return new Site(2, "com.example.Index", "build", 7, 0)
        .count(Counter.MAPS, 1).count(Counter.MAPS_TRACKED, 1)
        .count(Counter.LOOKUPS, 200).count(Counter.INSERTS, 200).count(Counter.LONG_PROBES, 3)
        .count(Counter.FLOODING, 1)
        .record(Metric.PROBE_HIT, 30, 200).record(Metric.PROBE_INSERT, 31, 200)
        .record(Metric.FALSEPOS_HIT, 5, 200).record(Metric.FALSEPOS_INSERT, 5, 200)
        .record(Metric.DELEGATED_NANOS, 250, 4);
  }

  /** Delete churn and concurrent writes. */
  static Site queue() {
    return new Site(3, "com.example.Queue", "drain", 99, 1)
        .count(Counter.MAPS, 2).count(Counter.MAPS_TRACKED, 2)
        .count(Counter.INSERTS, 1000).count(Counter.DELETES, 900)
        .count(Counter.SAME_SIZE_GROWS, 2).count(Counter.CONCURRENT_WRITES, 4)
        .record(Metric.PROBE_INSERT, 2, 1000).record(Metric.PROBE_DELETE, 3, 900)
        .record(Metric.TOMBSTONES, 40, 900)
        .record(Metric.TOMBSTONE_PERMILLE, 100, 100).record(Metric.TOMBSTONE_PERMILLE, 250, 800);
  }

  /** A site that recorded nothing. */
  static Site idle() {
    return new Site(4, "com.example.Idle", "<init>", -1, 0);
  }

  static ProfileSnapshot snapshot(Site... sites) {
    List<SiteSnapshot> list = new ArrayList<>();
    for (Site s : sites) {
      list.add(s.build());
    }
    return new ProfileSnapshot(START, END, false, 1, 1, list);
  }

  static RunInfo run(String impl) {
    RunInfo r = RunInfo.blank();
    r.jvm = "OpenJDK 64-Bit Server VM 17.0.15";
    r.pid = 4242;
    r.mainCommand = "com.example.Main --serve";
    r.startEpochMillis = START;
    r.endEpochMillis = END;
    r.options = "report=out,interval=10s";
    r.impl = impl;
    r.classesRewritten = 12;
    r.classesSkipped = 3;
    r.sitesRewritten = 4;
    r.notes.add("a test run");
    return r;
  }

  /** The standard four-site report. */
  static Report report() {
    return new Report(run("tophash"), snapshot(cache(), index(), queue(), idle()));
  }
}
