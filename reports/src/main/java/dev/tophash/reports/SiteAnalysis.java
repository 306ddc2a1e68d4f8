package dev.tophash.reports;

import dev.tophash.map.Counter;
import dev.tophash.map.Metric;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What one site cost and what to do about it, derived from its recordings only.
 *
 * <p><b>Cost</b> is an estimate in nanoseconds of the time the site's maps spent on hash-table
 * work: {@value #NS_PER_SLOT} ns per tophash slot examined (every {@code probe.*} value summed),
 * {@value #NS_PER_FALSE_POSITIVE} ns per failed {@code equals} call (every {@code falsepos.*}
 * value summed), plus the measured nanoseconds of evacuation steps, grow starts, for
 * {@code impl=hashmap} resizes, and the operations of maps that switched to HashMap's tree bins
 * after hash flooding ({@code delegated.ns}). Tombstones are not priced apart: they lengthen
 * probes, which are priced.
 *
 * <p><b>Advice</b> follows fixed rules whose thresholds are the constants below; each piece of
 * advice carries the numbers that triggered it.
 */
public final class SiteAnalysis {
  /** Estimated cost of examining one tophash slot. */
  public static final int NS_PER_SLOT = 1;
  /** Estimated cost of one failed {@code equals} call. */
  public static final int NS_PER_FALSE_POSITIVE = 5;
  /** Fewest recorded operations before probe figures are judged. */
  public static final long MIN_OPS = 100;
  /** Mean probe length (slots) beyond which the hash is called poor. */
  public static final double POOR_MEAN_PROBE = 10;
  /** False positives per operation beyond which the hash is called poor. */
  public static final double POOR_FALSE_POSITIVE_RATE = 0.05;
  /** Average doubling grows per map from which presizing is advised. */
  public static final double PRESIZE_GROWS_PER_MAP = 1.0;
  /** Deletes per insert from which delete churn is considered. */
  public static final double CHURN_DELETES_PER_INSERT = 0.25;
  /** Tombstone share (per mille, p90) from which delete churn is advised. */
  public static final long CHURN_TOMBSTONE_PERMILLE = 250;
  /** Grow start, whole grow or HashMap resize (ns) from which a growth pause is reported. */
  public static final long PAUSE_GROW_NANOS = 1_000_000;
  /** Single evacuation step (ns) from which a growth pause is reported. */
  public static final long PAUSE_STEP_NANOS = 100_000;
  /** Go's load factor, entries per bucket, as the fraction 13/2. */
  public static final int LOAD_NUM = 13;

  private final SiteSnapshot site;
  private final double probeSlots;
  private final double falsePositives;
  private final double pauseNanos;
  private final double delegatedNanos;
  private final long operations;
  private final Histogram probes;
  private final List<String> advice = new ArrayList<>();

  /** Analyses one site. */
  public SiteAnalysis(SiteSnapshot site) {
    this.site = site;
    this.probes = Hist.union(site, Hist.PROBES);
    this.operations = probes.getTotalCount();
    this.probeSlots = Hist.sum(probes);
    double fp = 0;
    for (Metric m : Hist.FALSEPOS) {
      fp += Hist.sum(site.histogram(m));
    }
    this.falsePositives = fp;
    double p = 0;
    for (Metric m : Hist.PAUSES) {
      p += Hist.sum(site.histogram(m));
    }
    this.pauseNanos = p;
    this.delegatedNanos = Hist.sum(site.histogram(Metric.DELEGATED_NANOS));
    presize();
    poorHash();
    flooding();
    churn();
    concurrent();
    pauses();
  }

  /** The sites of {@code snapshot} with any recording, most costly first (ties by key). */
  public static List<SiteAnalysis> ranked(ProfileSnapshot snapshot) {
    List<SiteAnalysis> list = new ArrayList<>();
    for (SiteSnapshot s : snapshot.sites()) {
      if (active(s)) {
        list.add(new SiteAnalysis(s));
      }
    }
    list.sort(BY_COST);
    return list;
  }

  /**
   * Most costly first, ties by site key. A class rather than a chain of comparator lambdas: the
   * report at a JVM's exit would spin a class for each.
   */
  private static final Comparator<SiteAnalysis> BY_COST = new Comparator<SiteAnalysis>() {
    @Override
    public int compare(SiteAnalysis a, SiteAnalysis b) {
      int c = Double.compare(b.costNanos(), a.costNanos());
      return c != 0 ? c : a.site().site().key().compareTo(b.site().site().key());
    }
  };

  /** The site. */
  public SiteSnapshot site() { return site; }

  /** The estimated cost in ns (see the class doc). */
  public double costNanos() {
    return probeSlots * NS_PER_SLOT + falsePositives * NS_PER_FALSE_POSITIVE + pauseNanos
        + delegatedNanos;
  }

  /** Measured ns of the operations of maps in HashMap's tree bins after hash flooding, summed. */
  public double delegatedNanos() { return delegatedNanos; }

  /** Slots examined, summed over all probe metrics. */
  public double probeSlots() { return probeSlots; }

  /** Failed equals calls, summed. */
  public double falsePositives() { return falsePositives; }

  /** Measured pause ns, summed (evacuation steps, grow starts, resizes). */
  public double pauseNanos() { return pauseNanos; }

  /** Operations counted (lookups, inserts, updates, deletes, delete misses), for either impl. */
  public long countedOperations() {
    return site.counter(Counter.LOOKUPS) + site.counter(Counter.INSERTS)
        + site.counter(Counter.UPDATES) + site.counter(Counter.DELETES)
        + site.counter(Counter.DELETE_MISSES);
  }

  /** Operations with a recorded probe length. */
  public long operations() { return operations; }

  /** All probe lengths of the site as one distribution. */
  public Histogram probes() { return probes; }

  /** Mean slots per operation, or 0 without operations. */
  public double meanProbe() {
    return operations == 0 ? 0 : probeSlots / operations;
  }

  /** Whether anything at all was recorded. */
  public boolean active() {
    return active(site);
  }

  /** Whether anything at all was recorded at {@code site}. */
  private static boolean active(SiteSnapshot site) {
    if (site.counter(Counter.MAPS) > 0) {
      return true;
    }
    for (Histogram h : site.histograms().values()) {
      if (h.getTotalCount() > 0) {
        return true;
      }
    }
    return false;
  }

  /** The advice for this site, one sentence each, with the numbers behind it. */
  public List<String> advice() { return advice; }

  /** Go's B for a size hint: the smallest B with hint ≤ 8 or hint ≤ 13·2^(B−1). */
  public static int bucketsLog2ForHint(long hint) {
    int b = 0;
    while (hint > 8 && hint > (LOAD_NUM * (1L << b)) / 2) {
      b++;
    }
    return b;
  }

  /* --- Rules --- */

  private void presize() {
    long maps = Math.max(site.counter(Counter.MAPS_TRACKED), 0);
    // TophashMap counts doubling grows, impl=hashmap counts HashMap's resizes (each doubles)
    long grows = site.counter(Counter.DOUBLING_GROWS) + site.counter(Counter.RESIZES);
    Histogram peak = site.histogram(Metric.PEAK_SIZE);
    if (maps == 0 || grows == 0 || peak.getTotalCount() == 0) {
      return;
    }
    double perMap = (double) grows / maps;
    long p50 = Hist.shown(Metric.PEAK_SIZE, peak, Hist.at(peak, 50));
    long p90 = Hist.shown(Metric.PEAK_SIZE, peak, Hist.at(peak, 90));
    if (perMap < PRESIZE_GROWS_PER_MAP || p90 == 0) {
      return;
    }
    long n = 2 * p90;
    Histogram hints = site.histogram(Metric.HINT);
    long hinted = hints.getTotalCount();
    long hint = Hist.at(hints, 50);
    if (hinted * 2 > maps && hint >= n) {
      return;
    }
    String from = hinted == 0 ? "no size hint"
        : hinted * 2 > maps ? "a hint of " + Fmt.count(hint) + " (median)"
        : "mostly no hint (" + Fmt.count(hinted) + " of " + Fmt.count(maps) + " maps had one, median "
            + Fmt.count(hint) + ")";
    int b = bucketsLog2ForHint(n);
    advice.add(Fmt.f("presize: maps grew %.1f times on average from %s; peak sizes p50 %s, p90 %s "
            + "-> presize to %s (B=%d, %s buckets; with plain HashMap: HashMap.newHashMap(%d))",
        perMap, from, range(p50), range(p90), Fmt.count(n), b, Fmt.count(1L << b), n));
  }

  private static String range(long pow2Floor) {
    return pow2Floor <= 1 ? Fmt.count(pow2Floor)
        : Fmt.count(pow2Floor) + "-" + Fmt.count(2 * pow2Floor - 1);
  }

  private void poorHash() {
    long longProbes = site.counter(Counter.LONG_PROBES);
    if (operations < MIN_OPS && longProbes == 0) {
      return;
    }
    double mean = meanProbe();
    double fpRate = operations == 0 ? 0 : falsePositives / operations;
    if (mean <= POOR_MEAN_PROBE && fpRate <= POOR_FALSE_POSITIVE_RATE && longProbes == 0) {
      return;
    }
    advice.add(Fmt.f("poor hashCode: mean probe %.1f slots (p99 %s, max %s), %.2f false positives "
            + "per operation, %s long probes; a uniform hash at <= 6.5 entries per bucket stays "
            + "near 4 slots and 0.03 false positives -> give the key class a hashCode() that "
            + "spreads its fields (few distinct or constant hashes collide)",
        mean, Fmt.count(Hist.at(probes, 99)), Fmt.count(Hist.max(probes)), fpRate,
        Fmt.count(longProbes)));
  }

  private void flooding() {
    long switched = site.counter(Counter.FLOODING);
    if (switched == 0) {
      return;
    }
    Histogram delegated = site.histogram(Metric.DELEGATED_NANOS);
    String since = delegated.getTotalCount() == 0 ? ""
        : Fmt.f("; %s operations since in HashMap's tree bins took %s in all (mean %s, max %s)",
            Fmt.count(delegated.getTotalCount()), Fmt.nanos(delegatedNanos),
            Fmt.nanos(delegated.getMean()), Fmt.nanos(delegated.getMaxValue()));
    advice.add(Fmt.f("possible hash flooding: %s map(s) met a chain of keys sharing one hashCode "
            + "(%s long probes) and switched to a collision-resistant mode (a seeded content hash "
            + "for String keys, HashMap's tree bins for others)%s -> if the keys come from outside "
            + "(request parameters, headers, JSON fields), this may be a denial-of-service attempt; "
            + "the map defended itself, but find where the keys come from",
        Fmt.count(switched), Fmt.count(site.counter(Counter.LONG_PROBES)), since));
  }

  private void churn() {
    long deletes = site.counter(Counter.DELETES);
    long inserts = site.counter(Counter.INSERTS);
    long sameSize = site.counter(Counter.SAME_SIZE_GROWS);
    Histogram permille = site.histogram(Metric.TOMBSTONE_PERMILLE);
    long p50 = Hist.at(permille, 50);
    long p90 = Hist.at(permille, 90);
    if (deletes < MIN_OPS || deletes < CHURN_DELETES_PER_INSERT * inserts) {
      return;
    }
    if (p90 < CHURN_TOMBSTONE_PERMILLE && sameSize == 0) {
      return;
    }
    advice.add(Fmt.f("delete churn: %s deletes against %s inserts; tombstones p50 %d, p90 %d per "
            + "mille of used slots; %s same-size grows (rebuilds only to drop tombstones) -> when "
            + "emptying a map, call clear() or start a fresh map instead of removing keys one by one",
        Fmt.count(deletes), Fmt.count(inserts), p50, p90, Fmt.count(sameSize)));
  }

  private void concurrent() {
    long n = site.counter(Counter.CONCURRENT_WRITES);
    if (n > 0) {
      advice.add(Fmt.f("concurrent writes: %s writes found another write in progress on the same "
          + "map -> it is shared between threads without synchronization; guard it or use "
          + "ConcurrentHashMap", Fmt.count(n)));
    }
  }

  private void pauses() {
    Histogram total = site.histogram(Metric.GROW_TOTAL_NANOS);
    Histogram start = site.histogram(Metric.GROW_START_NANOS);
    Histogram step = site.histogram(Metric.EVAC_STEP_NANOS);
    Histogram resize = site.histogram(Metric.RESIZE_NANOS);
    Histogram peaks = site.histogram(Metric.PEAK_SIZE);
    long peak = Hist.shown(Metric.PEAK_SIZE, peaks, Hist.max(peaks));
    if (Hist.max(total) >= PAUSE_GROW_NANOS || Hist.max(start) >= PAUSE_GROW_NANOS
        || Hist.max(step) >= PAUSE_STEP_NANOS) {
      advice.add(Fmt.f("growth pauses: grow start p99 %s max %s; evacuation step p99 %s max %s; "
              + "a grow lasted up to %s over up to %s writes; largest maps %s+ entries -> presize "
              + "the map, or split it into smaller ones",
          Fmt.nanos(Hist.at(start, 99)), Fmt.nanos(Hist.max(start)),
          Fmt.nanos(Hist.at(step, 99)), Fmt.nanos(Hist.max(step)), Fmt.nanos(Hist.max(total)),
          Fmt.count(Hist.max(site.histogram(Metric.GROW_WRITES))), Fmt.count(peak)));
    }
    if (Hist.max(resize) >= PAUSE_GROW_NANOS) {
      advice.add(Fmt.f("resize pauses: %s resizes, p99 %s, max %s (HashMap rehashes the whole "
              + "table inside one put); largest maps %s+ entries -> presize the map",
          Fmt.count(resize.getTotalCount()), Fmt.nanos(Hist.at(resize, 99)),
          Fmt.nanos(Hist.max(resize)), Fmt.count(peak)));
    }
  }
}
