package dev.tophash.map;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Everything one allocation site recorded: the per-thread {@link SiteBuffer}s that maps write to,
 * and the reader-side totals that snapshots fold them into. Buffers of threads that have ended
 * are folded one last time and dropped, so nothing a thread or a map recorded is lost.
 */
final class SiteRecorder {
  /** Each thread's buffers, indexed by site id. (No lambdas: this class is on the bootstrap path.) */
  private static final ThreadLocal<SiteBuffer[]> BUFFERS = new ThreadLocal<SiteBuffer[]>() {
    @Override
    protected SiteBuffer[] initialValue() {
      return new SiteBuffer[16];
    }
  };

  private final SiteInfo info;
  private final List<SiteBuffer> buffers = new ArrayList<>();
  /** Maps allocated, for map sampling; racy on purpose (sampling needs no exact stride). */
  private int allocations;

  // Reader side, guarded by MapSites' lock.
  private final long[] totalCounters = new long[Counter.values().length];
  private final long[] intervalCounters = new long[Counter.values().length];
  private final long[] totalProbes = new long[SiteBuffer.PROBE_METRICS * SiteBuffer.SMALL];
  private final long[] intervalProbes = new long[SiteBuffer.PROBE_METRICS * SiteBuffer.SMALL];
  private final long[] totalPeak = new long[SiteBuffer.LEVELS];
  private final long[] totalB = new long[SiteBuffer.LEVELS];
  /** The folded {@link SiteBuffer#tombstoneCounts}, once any buffer has some. */
  private long[] totalTombstones;
  private long[] intervalTombstones;
  private final EnumMap<Metric, Histogram> totalEvents = new EnumMap<>(Metric.class);
  private final EnumMap<Metric, Histogram> intervalEvents = new EnumMap<>(Metric.class);
  /**
   * Whether an interval snapshot was ever taken. Until then the event histograms fold into the
   * totals only, and the first interval (since the start) is the totals: a JVM that never asks for
   * intervals (no interval log) adds each buffer's events once, not twice. The report at a JVM's
   * exit runs mostly interpreted, where each add walks the whole counts array.
   */
  private boolean intervalsTaken;
  /**
   * The totals a snapshot handed out as they are, instead of a copy: the next fold copies such a
   * histogram before adding to it, so a snapshot never changes under its reader, and a final
   * snapshot (nothing folds after it) costs no copy at all.
   */
  private final EnumSet<Metric> handedOut = EnumSet.noneOf(Metric.class);
  private final List<Seen> seen = new ArrayList<>();

  /** What the reader has already folded from one buffer. */
  private static final class Seen {
    final SiteBuffer buffer;
    final int[] probes = new int[SiteBuffer.PROBE_METRICS * SiteBuffer.SMALL];
    final int[] fast = new int[SiteBuffer.FAST_COUNTERS.length * SiteBuffer.FAST_ROW];
    final long[] counters = new long[Counter.values().length];
    final int[] peak = new int[SiteBuffer.LEVELS];
    final int[] b = new int[SiteBuffer.LEVELS];
    int[] tombstones;

    Seen(SiteBuffer buffer) {
      this.buffer = buffer;
    }
  }

  SiteRecorder(SiteInfo info) {
    this.info = info;
  }

  SiteInfo info() {
    return info;
  }

  /** Whether a newly allocated map should be tracked, under map sampling. */
  boolean trackNext(int mapSample) {
    return mapSample == 1 || (allocations++ % mapSample) == 0;
  }

  /**
   * Whether map sampling leaves the next map of this site untracked; if so the allocation is
   * taken, and a map that is to be tracked is left for {@link #trackNext} to take.
   */
  boolean skipNext(int mapSample) {
    int a = allocations;
    if (a % mapSample == 0) {
      return false;
    }
    allocations = a + 1;
    return true;
  }

  /** The calling thread's buffer for this site, created on first use. */
  SiteBuffer buffer() {
    SiteBuffer[] mine = BUFFERS.get();
    int id = info.id();
    if (id >= mine.length) {
      mine = java.util.Arrays.copyOf(mine, Math.max(id + 1, mine.length * 2));
      BUFFERS.set(mine);
    }
    SiteBuffer b = mine[id];
    if (b == null) {
      b = new SiteBuffer(Thread.currentThread(), this, Recording.opSample());
      synchronized (buffers) {
        buffers.add(b);
      }
      mine[id] = b;
    }
    return b;
  }

  /** Folds every buffer into the totals and returns a snapshot. Caller holds MapSites' lock. */
  SiteSnapshot snapshot(boolean interval) {
    List<SiteBuffer> current;
    synchronized (buffers) {
      current = new ArrayList<>(buffers);
    }
    for (SiteBuffer b : current) {
      boolean dead = !b.owner.isAlive();
      fold(seenFor(b));
      if (dead) {
        synchronized (buffers) {
          buffers.remove(b);
        }
        for (int i = seen.size() - 1; i >= 0; i--) {
          if (seen.get(i).buffer == b) {
            seen.remove(i);
          }
        }
      }
    }
    EnumMap<Metric, Histogram> hs = new EnumMap<>(Metric.class);
    long[] probes = interval ? intervalProbes : totalProbes;
    // The events since the last interval, or since the start for the first (see intervalsTaken).
    boolean fromTotals = !interval || !intervalsTaken;
    EnumMap<Metric, Histogram> events = fromTotals ? totalEvents : intervalEvents;
    for (Metric m : Metric.values()) {
      Histogram h = null;
      if (m.isProbe()) {
        int base = m.ordinal() * SiteBuffer.SMALL;
        for (int v = 0; v < SiteBuffer.SMALL; v++) {
          long c = probes[base + v];
          if (c > 0) {
            h = recordInto(h, v, c);
          }
        }
      } else if ((m == Metric.TOMBSTONES || m == Metric.TOMBSTONE_PERMILLE) && totalTombstones != null) {
        long[] counts = interval ? intervalTombstones : totalTombstones;
        boolean share = m == Metric.TOMBSTONE_PERMILLE;
        int from = share ? SiteBuffer.TOMBSTONE_BUCKETS : 0;
        int to = share ? counts.length : SiteBuffer.TOMBSTONE_BUCKETS;
        for (int i = from; i < to; i++) {
          if (counts[i] > 0) {
            h = recordInto(h, share ? i - from : SiteBuffer.bucketValue(i), counts[i]);
          }
        }
      } else if (m == Metric.PEAK_SIZE || m == Metric.FINAL_B) {
        if (!interval) {
          long[] levels = m == Metric.PEAK_SIZE ? totalPeak : totalB;
          for (int l = 0; l < SiteBuffer.LEVELS; l++) {
            if (levels[l] > 0) {
              long v = m == Metric.PEAK_SIZE ? (l == 0 ? 0 : 1L << (l - 1)) : l;
              h = recordInto(h, v, levels[l]);
            }
          }
        }
      }
      Histogram ev = events.get(m);
      if (ev != null) {
        if (h != null) {
          h.add(ev);
        } else {
          h = ev; // handed out as it is: interval events are dropped below, totals copied on write
          if (fromTotals) {
            handedOut.add(m);
          }
        }
      }
      hs.put(m, h != null ? h : SiteSnapshot.newHistogram());
    }
    SiteSnapshot snap = new SiteSnapshot(info, interval ? intervalCounters : totalCounters, hs);
    if (interval) {
      java.util.Arrays.fill(intervalCounters, 0);
      java.util.Arrays.fill(intervalProbes, 0);
      if (intervalTombstones != null) {
        java.util.Arrays.fill(intervalTombstones, 0);
      }
      intervalEvents.clear();
      intervalsTaken = true;
    }
    return snap;
  }

  private Seen seenFor(SiteBuffer b) {
    for (Seen s : seen) {
      if (s.buffer == b) {
        return s;
      }
    }
    Seen s = new Seen(b);
    seen.add(s);
    return s;
  }

  private void fold(Seen s) {
    SiteBuffer b = s.buffer;
    for (int i = 0; i < b.probes.length; i++) {
      long delta = take(b.probes, s.probes, i);
      if (delta != 0) {
        addProbes(i, delta);
      }
    }
    for (int i = 0; i < b.fast.length; i++) {
      long delta = take(b.fast, s.fast, i);
      if (delta != 0) {
        int kind = i / SiteBuffer.FAST_ROW;
        int base = SiteBuffer.FAST_METRICS[kind].ordinal() * SiteBuffer.SMALL;
        addProbes(base + i % SiteBuffer.FAST_ROW, delta); // the probe length
        addProbes(base + SiteBuffer.FALSE_POSITIVE_ROWS, delta); // no false positive
        int counter = SiteBuffer.FAST_COUNTERS[kind].ordinal();
        totalCounters[counter] += delta;
        intervalCounters[counter] += delta;
      }
    }
    int[] tombstones = b.tombstoneCounts;
    if (tombstones != null) {
      if (s.tombstones == null) {
        s.tombstones = new int[tombstones.length];
      }
      if (totalTombstones == null) {
        totalTombstones = new long[tombstones.length];
        intervalTombstones = new long[tombstones.length];
      }
      // A call only where a count changed: the arrays are long (every count and every permille),
      // and a report at a JVM's exit runs this interpreted (where Arrays.mismatch is slower still).
      int[] seenTombstones = s.tombstones;
      for (int i = 0; i < tombstones.length; i++) {
        if (tombstones[i] != seenTombstones[i]) {
          long delta = take(tombstones, seenTombstones, i);
          totalTombstones[i] += delta;
          intervalTombstones[i] += delta;
        }
      }
    }
    long[] counters = b.counters;
    for (int i = 0; i < counters.length; i++) {
      long now = counters[i];
      long delta = now - s.counters[i];
      if (delta != 0) {
        s.counters[i] = now;
        totalCounters[i] += delta;
        intervalCounters[i] += delta;
      }
    }
    for (int i = 0; i < SiteBuffer.LEVELS; i++) {
      int p = b.peakLevels[i];
      totalPeak[i] += p - s.peak[i];
      s.peak[i] = p;
      int q = b.bLevels[i];
      totalB[i] += q - s.b[i];
      s.b[i] = q;
    }
    Histogram[] events = b.swapEvents();
    for (int i = 0; i < events.length; i++) {
      Histogram h = events[i];
      if (h != null && h.getTotalCount() > 0) {
        Metric m = Metric.values()[i];
        Histogram total = totalEvents.get(m);
        if (total != null && handedOut.remove(m)) {
          total = total.copy(); // a snapshot holds the old one
          totalEvents.put(m, total);
        }
        eventsOf(totalEvents, m).add(h);
        if (intervalsTaken) {
          eventsOf(intervalEvents, m).add(h);
        }
      }
    }
  }

  /** How much a writer's int counter grew since the reader last took it (unsigned: it may wrap). */
  private static long take(int[] live, int[] seen, int i) {
    int now = live[i];
    long delta = Integer.toUnsignedLong(now - seen[i]);
    seen[i] = now;
    return delta;
  }

  /** Records {@code count} values {@code v} into {@code h}, made on first use. */
  private static Histogram recordInto(Histogram h, long v, long count) {
    Histogram into = h != null ? h : SiteSnapshot.newHistogram();
    into.recordValueWithCount(v, count);
    return into;
  }

  private void addProbes(int i, long delta) {
    totalProbes[i] += delta;
    intervalProbes[i] += delta;
  }

  private static Histogram eventsOf(EnumMap<Metric, Histogram> events, Metric m) {
    Histogram h = events.get(m);
    if (h == null) {
      h = SiteSnapshot.newHistogram();
      events.put(m, h);
    }
    return h;
  }
}
