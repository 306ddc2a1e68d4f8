package dev.tophash.reports;

import dev.tophash.map.Metric;
import dev.tophash.map.SiteSnapshot;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Small histogram helpers shared by the writers and the compare tool. Everything here only reads
 * a histogram and may run on several threads at once (the report writers do).
 */
public final class Hist {
  /** The percentiles every table shows, with their column labels. */
  public static final double[] PERCENTILES = {50, 90, 99, 99.9};
  /** Column labels of {@link #PERCENTILES}. */
  public static final String[] LABELS = {"p50", "p90", "p99", "p99.9"};

  /** Metrics whose events are pauses of the writing thread (tophash evacuation, HashMap resize). */
  public static final Metric[] PAUSES = {Metric.EVAC_STEP_NANOS, Metric.GROW_START_NANOS, Metric.RESIZE_NANOS};

  /** The probe-length metrics. */
  public static final Metric[] PROBES = {Metric.PROBE_HIT, Metric.PROBE_MISS, Metric.PROBE_INSERT,
      Metric.PROBE_UPDATE, Metric.PROBE_DELETE};

  /** The false-positive metrics. */
  public static final Metric[] FALSEPOS = {Metric.FALSEPOS_HIT, Metric.FALSEPOS_MISS,
      Metric.FALSEPOS_INSERT, Metric.FALSEPOS_UPDATE, Metric.FALSEPOS_DELETE};

  private Hist() {}

  /** The sum of all recorded values (mean × count, as HdrHistogram's mean counts them). */
  public static double sum(Histogram h) {
    return h.getTotalCount() == 0 ? 0 : mean(h) * h.getTotalCount();
  }

  /**
   * {@link Histogram#getMean()}, to the last bit, but safe for two threads reading one histogram
   * at once: HdrHistogram's walks an iterator kept in the histogram, which two report writers
   * running side by side would share. Each value counts as its bucket's median equivalent.
   */
  public static double mean(Histogram h) {
    if (h.getTotalCount() == 0) {
      return 0.0;
    }
    double total = 0;
    for (HistogramIterationValue v : h.recordedValues()) {
      total += h.medianEquivalentValue(v.getValueIteratedTo())
          * (double) v.getCountAtValueIteratedTo();
    }
    return (total * 1.0) / h.getTotalCount();
  }

  /**
   * The mean ({@link #mean}) and the values at {@link #PERCENTILES} ({@link
   * Histogram#getValueAtPercentile}), to the last bit, from one walk of the recorded values
   * instead of five: a report at a JVM's exit asks for them for every histogram of every site,
   * and runs mostly interpreted. The mean is element 0 of the result, as a {@code double}'s bits
   * ({@link Double#longBitsToDouble}); the values follow. All zero for an empty histogram.
   */
  public static long[] meanAndPercentiles(Histogram h) {
    long[] out = new long[1 + PERCENTILES.length];
    long total = h.getTotalCount();
    if (total == 0) {
      out[0] = Double.doubleToLongBits(0.0);
      return out;
    }
    long[] targets = new long[PERCENTILES.length];
    for (int p = 0; p < targets.length; p++) {
      // HdrHistogram's own rule: one ulp below the percentile, the count rounded up, at least 1
      double requested = Math.min(Math.max(
          Math.nextAfter(PERCENTILES[p], Double.NEGATIVE_INFINITY), 0.0D), 100.0D);
      targets[p] = Math.max((long) Math.ceil((requested / 100.0) * total), 1);
    }
    double sum = 0;
    int next = 0;
    for (HistogramIterationValue v : h.recordedValues()) {
      long value = v.getValueIteratedTo();
      sum += h.medianEquivalentValue(value) * (double) v.getCountAtValueIteratedTo();
      while (next < targets.length && v.getTotalCountToThisValue() >= targets[next]) {
        out[1 + next++] = h.highestEquivalentValue(value);
      }
    }
    out[0] = Double.doubleToLongBits((sum * 1.0) / total);
    return out;
  }

  /** {@link Histogram#getStdDeviation()}, to the last bit, safe as {@link #mean} is. */
  public static double stdDeviation(Histogram h) {
    if (h.getTotalCount() == 0) {
      return 0.0;
    }
    double mean = mean(h);
    double squares = 0.0;
    for (HistogramIterationValue v : h.recordedValues()) {
      double deviation = (h.medianEquivalentValue(v.getValueIteratedTo()) * 1.0) - mean;
      squares += (deviation * deviation) * v.getCountAddedInThisIterationStep();
    }
    return Math.sqrt(squares / h.getTotalCount());
  }

  /** The union of several metrics of one site, as one new histogram. */
  public static Histogram union(SiteSnapshot s, Metric... metrics) {
    Histogram all = SiteSnapshot.newHistogram();
    for (Metric m : metrics) {
      all.add(s.histogram(m));
    }
    return all;
  }

  /** The value at {@code percentile}, or 0 for an empty histogram. */
  public static long at(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile);
  }

  /**
   * A value of {@code m} as it should be read: {@code map.peak} records powers of two, which
   * HdrHistogram reports as the top of their bucket (512 as 515), so those snap back to the
   * power of two; every other metric's value is returned as is.
   */
  public static long shown(Metric m, Histogram h, long value) {
    if (m != Metric.PEAK_SIZE || value <= 0) {
      return value;
    }
    return Long.highestOneBit(h.lowestEquivalentValue(value));
  }

  /** The maximum recorded value (its highest equivalent), or 0 for an empty histogram. */
  public static long max(Histogram h) {
    return h.getTotalCount() == 0 ? 0 : h.getMaxValue();
  }
}
