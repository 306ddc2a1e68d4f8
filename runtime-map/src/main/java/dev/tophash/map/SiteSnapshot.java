package dev.tophash.map;

import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one site recorded, cumulative or over one interval: its counters and one histogram per
 * {@link Metric}. Histograms are never null (an unrecorded metric is an empty histogram) and
 * belong to the snapshot: the caller may modify them.
 */
public final class SiteSnapshot {
  private final SiteInfo site;
  private final long[] counters;
  private final EnumMap<Metric, Histogram> histograms;

  /** Creates a snapshot; missing histograms are filled with empty ones. */
  public SiteSnapshot(SiteInfo site, long[] counters, Map<Metric, Histogram> histograms) {
    this.site = site;
    this.counters = counters.length == Counter.values().length
        ? counters.clone() : java.util.Arrays.copyOf(counters, Counter.values().length);
    this.histograms = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      Histogram h = histograms.get(m);
      this.histograms.put(m, h != null ? h : newHistogram());
    }
  }

  /** A new empty histogram of the kind every metric uses: auto-resizing, 2 significant digits. */
  public static Histogram newHistogram() {
    Histogram h = new Histogram(2);
    h.setAutoResize(true);
    return h;
  }

  /** The site this snapshot describes. */
  public SiteInfo site() { return site; }

  /** The value of one counter. */
  public long counter(Counter c) { return counters[c.ordinal()]; }

  /** All counters, indexed by {@link Counter#ordinal()} (a copy). */
  public long[] counters() { return counters.clone(); }

  /** The histogram of one metric; never null. */
  public Histogram histogram(Metric m) { return histograms.get(m); }

  /** All histograms by metric (the snapshot's own map). */
  public Map<Metric, Histogram> histograms() { return histograms; }

  /** Total probe operations recorded (lookups, inserts, updates, deletes and delete misses). */
  public long recordedOperations() {
    long n = 0;
    for (Metric m : new Metric[] {Metric.PROBE_HIT, Metric.PROBE_MISS, Metric.PROBE_INSERT,
        Metric.PROBE_UPDATE, Metric.PROBE_DELETE}) {
      n += histograms.get(m).getTotalCount();
    }
    return n;
  }
}
