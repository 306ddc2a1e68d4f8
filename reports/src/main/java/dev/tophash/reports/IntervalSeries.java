package dev.tophash.reports;

import dev.tophash.map.Metric;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * The interval time series of every site and metric: per interval its end (seconds since the
 * recording start), count, p50, p99 and max. Built from interval snapshots, or read back from
 * an {@code intervals.hlog} written by {@link IntervalLog}.
 */
public final class IntervalSeries {
  /** One interval of one metric. */
  public record Point(double endSec, long count, long p50, long p99, long max) {}

  private final Map<String, EnumMap<Metric, List<Point>>> bySite = new LinkedHashMap<>();

  /** A series with no points. */
  public static IntervalSeries empty() {
    return new IntervalSeries();
  }

  /** The series of {@code intervals}, timed from {@code startEpochMillis}. */
  public static IntervalSeries of(List<ProfileSnapshot> intervals, long startEpochMillis) {
    IntervalSeries s = new IntervalSeries();
    for (ProfileSnapshot snap : intervals) {
      double end = (snap.endEpochMillis() - startEpochMillis) / 1000.0;
      for (SiteSnapshot site : snap.sites()) {
        for (Metric m : Metric.values()) {
          if (!m.isPerMap()) {
            s.add(site.site().key(), m, end, site.histogram(m));
          }
        }
      }
    }
    return s;
  }

  /**
   * Reads an interval log. Lines whose tag is not ours are skipped; a log cut short (the JVM
   * still writing, or killed) yields the intervals before the cut.
   */
  public static IntervalSeries read(Path hlog) throws IOException {
    IntervalSeries s = new IntervalSeries();
    if (!Files.isRegularFile(hlog)) {
      return s;
    }
    try (HistogramLogReader reader = new HistogramLogReader(hlog.toFile())) {
      double base = -1;
      while (true) {
        EncodableHistogram eh;
        try {
          eh = reader.nextIntervalHistogram();
        } catch (RuntimeException e) {
          break;
        }
        if (eh == null) {
          break;
        }
        if (!(eh instanceof Histogram h)) {
          continue;
        }
        String key = HlogTags.siteKey(h.getTag());
        Metric m = HlogTags.metric(h.getTag());
        if (key == null) {
          continue;
        }
        if (base < 0) {
          base = reader.getStartTimeSec();
        }
        s.add(key, m, h.getEndTimeStamp() / 1000.0 - base, h);
      }
    } catch (java.io.UncheckedIOException e) {
      throw new IOException("cannot read " + hlog + ": " + e.getMessage(), e);
    }
    return s;
  }

  private void add(String key, Metric m, double endSec, Histogram h) {
    if (h.getTotalCount() == 0) {
      return;
    }
    EnumMap<Metric, List<Point>> metrics = bySite.get(key);
    if (metrics == null) {
      metrics = new EnumMap<>(Metric.class);
      bySite.put(key, metrics);
    }
    List<Point> points = metrics.get(m);
    if (points == null) {
      points = new ArrayList<>();
      metrics.put(m, points);
    }
    points.add(new Point(endSec, h.getTotalCount(), h.getValueAtPercentile(50),
            h.getValueAtPercentile(99), h.getMaxValue()));
  }

  /** The points of one site's metric, oldest first; empty when none. */
  public List<Point> points(String siteKey, Metric m) {
    EnumMap<Metric, List<Point>> site = bySite.get(siteKey);
    List<Point> p = site == null ? null : site.get(m);
    return p == null ? List.of() : p;
  }

  /** Whether there is no point at all. */
  public boolean isEmpty() {
    return bySite.isEmpty();
  }
}
