package dev.tophash.map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * One thread's recordings for one site. Only its owner thread writes to it; the snapshot thread
 * reads it. Nothing here allocates after construction except the lazily created event histograms
 * (once per metric) and HdrHistogram's auto-resize.
 *
 * <p>Probe lengths and false positives below {@link #SMALL} go into plain {@code int} counters
 * (a single increment on the hot path); the reader takes unsigned differences, so a counter may
 * wrap as long as fewer than 2^32 values land in one bucket between two snapshots. Everything
 * else (large probe values, pauses, tombstone samples) is an HdrHistogram guarded by a
 * {@link WriterReaderPhaser}, the protocol of HdrHistogram's {@code SingleWriterRecorder}, so the
 * reader swaps in a fresh set without losing or double-counting a value.
 */
final class SiteBuffer {
  /** Probe values below this are counted in the plain arrays; larger ones go to histograms. */
  static final int SMALL = 32;
  static final int PROBE_METRICS = 10;
  static final int LEVELS = 64;
  /** From a probe metric's values in {@link #probes} to its false-positive metric's. */
  static final int FALSE_POSITIVE_ROWS = 5 * SMALL;
  /** A row of {@link #fast}: probe lengths 0 to 8. */
  static final int FAST_ROW = 9;
  /** Lookups that found their key in the main bucket's first tophash match. */
  static final int FAST_HIT = 0;
  /** Lookups that the main bucket proved absent. */
  static final int FAST_MISS = FAST_ROW;
  /** Updates of the main bucket's first tophash match. */
  static final int FAST_UPDATE = 2 * FAST_ROW;
  /** Inserts into a main bucket that proved the key absent. */
  static final int FAST_INSERT = 3 * FAST_ROW;
  /** What each row of {@link #fast} counts: its operation and probe-length metric. */
  static final Counter[] FAST_COUNTERS = {Counter.LOOKUPS, Counter.LOOKUPS, Counter.UPDATES,
      Counter.INSERTS};
  static final Metric[] FAST_METRICS = {Metric.PROBE_HIT, Metric.PROBE_MISS, Metric.PROBE_UPDATE,
      Metric.PROBE_INSERT};

  /** Tombstone counts below this are counted in {@link #tombstoneCounts}; larger ones go to a histogram. */
  static final int TOMBSTONE_LIMIT = 1 << 20;
  /** The buckets of tombstone counts below {@link #TOMBSTONE_LIMIT} ({@link #countBucket}). */
  static final int TOMBSTONE_BUCKETS = countBucket(TOMBSTONE_LIMIT - 1) + 1;
  /** Per mille values run from 0 to this. */
  static final int PERMILLE_MAX = 1000;

  final Thread owner;
  final SiteRecorder site;
  /** [metric ordinal * SMALL + value] for the probe metrics; read with unsigned deltas. */
  final int[] probes = new int[PROBE_METRICS * SMALL];
  /**
   * The fast paths' observations, which resolve in the main bucket with no false positive:
   * [{@link #FAST_HIT}, {@link #FAST_MISS}, {@link #FAST_UPDATE} or {@link #FAST_INSERT} + probe
   * length 0..8], one
   * increment for the operation's count, its probe length and its zero false positives alike
   * (the reader derives all three); read with unsigned deltas.
   */
  final int[] fast = new int[FAST_COUNTERS.length * FAST_ROW];
  /** Indexed by Counter ordinal. */
  final long[] counters = new long[Counter.values().length];
  /** Per-map level moves: [level] for peak size (log2) and B; signed. */
  final int[] peakLevels = new int[LEVELS];
  final int[] bLevels = new int[LEVELS];
  final WriterReaderPhaser phaser = new WriterReaderPhaser();
  volatile Histogram[] active = new Histogram[Metric.values().length];
  Histogram[] inactive = new Histogram[Metric.values().length];
  /**
   * Tombstone samples (one per delete and per grow): [{@link #countBucket}(count)] for counts below
   * {@link #TOMBSTONE_LIMIT}, and [{@link #TOMBSTONE_BUCKETS} + per mille] for their share; a plain
   * increment each instead of a critical section and two histogram records. Allocated at this
   * buffer's first sample; read with unsigned deltas, as {@link #probes}.
   */
  int[] tombstoneCounts;
  /** Operations left until the next sampled one. */
  int countdown = 1;
  /**
   * A grow this thread started and has not recorded yet ({@link #growStarted}): its start's
   * nanoseconds, and the map's overflow buckets, tombstones and size when it started.
   */
  boolean growStartPending;
  private long growStartNanos;
  private int growOverflow;
  private int growTombstones;
  private int growCount;
  final int opSample;

  SiteBuffer(Thread owner, SiteRecorder site, int opSample) {
    this.owner = owner;
    this.site = site;
    this.opSample = opSample;
  }

  /** Whether this operation is one of the sampled ones. */
  boolean sample() {
    if (--countdown > 0) {
      return false;
    }
    countdown = opSample;
    return true;
  }

  /** Records one probe-length observation and its false positives. */
  void probe(Metric slots, int probeLength, int falsePositives) {
    int base = slots.ordinal() * SMALL;
    if (probeLength < SMALL) {
      probes[base + probeLength]++;
    } else {
      event(slots, probeLength);
    }
    int fbase = base + FALSE_POSITIVE_ROWS;
    if (falsePositives < SMALL) {
      probes[fbase + falsePositives]++;
    } else {
      event(Metric.values()[slots.ordinal() + 5], falsePositives);
    }
  }

  /** Records a value into an event histogram (cold path). */
  void event(Metric metric, long value) {
    long stamp = beginEvents();
    try {
      record(metric, value);
    } finally {
      endEvents(stamp);
    }
  }

  /**
   * Enters the writer's critical section for several {@link #record} calls; the returned stamp
   * must be passed to {@link #endEvents} in a finally block.
   */
  long beginEvents() {
    return phaser.writerCriticalSectionEnter();
  }

  void endEvents(long stamp) {
    phaser.writerCriticalSectionExit(stamp);
  }

  /** Records a value into an event histogram; only between beginEvents and endEvents. */
  void record(Metric metric, long value) {
    Histogram[] a = active;
    Histogram h = a[metric.ordinal()];
    if (h == null) {
      h = SiteSnapshot.newHistogram();
      a[metric.ordinal()] = h;
    }
    h.recordValue(value < 0 ? 0 : value);
  }

  /**
   * Notes a grow's start, to be recorded by {@link #recordGrowStart} in the critical section of
   * the grow work that follows it in the same write: one section per grow step instead of two.
   */
  void growStarted(long nanos, int overflow, int tombstones, int count) {
    growStartNanos = nanos;
    growOverflow = overflow;
    growTombstones = tombstones;
    growCount = count;
    growStartPending = true;
  }

  /** Records the pending grow start; only between beginEvents and endEvents. */
  void recordGrowStart() {
    growStartPending = false;
    record(Metric.GROW_START_NANOS, growStartNanos);
    record(Metric.GROW_OVERFLOW, growOverflow);
    if (!tombstoneSample(growTombstones, growCount)) {
      record(Metric.TOMBSTONES, growTombstones);
    }
  }

  /**
   * Records a tombstone sample of a map holding {@code tombstones} tombstones and {@code count}
   * entries: its share always, its count too if it is below {@link #TOMBSTONE_LIMIT}. Returns
   * whether it recorded the count; if not, the caller records it as an event.
   */
  boolean tombstoneSample(int tombstones, int count) {
    int[] c = tombstoneCounts;
    if (c == null) {
      c = new int[TOMBSTONE_BUCKETS + PERMILLE_MAX + 1];
      tombstoneCounts = c;
    }
    int occupied = count + tombstones;
    long permille = occupied <= 0 ? 0 : (tombstones * 1000L) / occupied;
    // Within 0..1000 always, unless racing writers left the counts inconsistent.
    c[TOMBSTONE_BUCKETS + (int) Math.max(0, Math.min(PERMILLE_MAX, permille))]++;
    if (tombstones >= 0 && tombstones < TOMBSTONE_LIMIT) {
      c[countBucket(tombstones)]++;
      return true;
    }
    return false;
  }

  /**
   * The bucket of a non-negative value in the layout of the site histograms (HdrHistogram with
   * 2 significant digits: 256 sub-buckets, so values below 256 are exact and each power of two
   * above splits into 128 ranges): counting a value in its bucket and recording the bucket's
   * lowest value ({@link #bucketValue}) gives the histogram the same counts, minimum, maximum,
   * mean and percentiles as recording the value itself. {@code RecordingTest} holds this to
   * HdrHistogram's own equivalent-value ranges.
   */
  static int countBucket(int v) {
    if (v < 256) {
      return v;
    }
    int shift = 31 - Integer.numberOfLeadingZeros(v) - 7;
    return (shift << 7) + (v >>> shift);
  }

  /** The lowest value of bucket {@code b} ({@link #countBucket}). */
  static long bucketValue(int b) {
    if (b < 256) {
      return b;
    }
    int shift = (b - 128) >>> 7;
    return (long) (b - (shift << 7)) << shift;
  }

  /** Moves one map from one level to another (levels are log2 peak sizes or B values). */
  static void moveLevel(int[] levels, int from, int to) {
    if (from >= 0) {
      levels[from]--;
    }
    levels[to]++;
  }

  /**
   * Swaps the event histograms for fresh ones and returns the ones recorded since the last swap.
   * Reader side only, under the registry lock.
   */
  Histogram[] swapEvents() {
    phaser.readerLock();
    try {
      Histogram[] old = active;
      Histogram[] fresh = inactive;
      for (int i = 0; i < fresh.length; i++) {
        if (fresh[i] != null) {
          fresh[i].reset();
        }
      }
      active = fresh;
      phaser.flipPhase();
      inactive = old;
      return old;
    } finally {
      phaser.readerUnlock();
    }
  }
}
