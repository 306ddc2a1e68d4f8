package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Crafted workloads whose recorded distributions are known exactly. */
class RecordingTest {
  private static int siteSeq;

  /** A key with a chosen hash code. */
  record HashedKey(int id, int hash) {
    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof HashedKey k && k.id == id;
    }
  }

  @AfterEach
  void restoreDefaults() {
    Recording.configure(true, 1, 1, false);
  }

  private static int newSite() {
    return MapSites.register("test.Recording", "case" + (siteSeq++), "()V", "RecordingTest.java",
        siteSeq, "app");
  }

  private static SiteSnapshot snapshotOf(int site) {
    return MapSites.snapshot(false).sites().get(site);
  }

  /** A key of {@code chained}'s bucket whose tophash is outside the filter bit of {@code chained}'s. */
  private static HashedKey ruledOutBy(TophashMap<?, ?> m, Object chained) {
    int bucket = m.bucketOf(chained);
    int top = TophashMap.tophash(m.hash(chained));
    for (int h = 0; ; h++) {
      HashedKey k = new HashedKey(-2, h);
      if (m.bucketOf(k) == bucket && (TophashMap.tophash(m.hash(k)) & 63) != (top & 63)) {
        return k;
      }
    }
  }

  /** Histogram counts at values 0..max, as an array. */
  private static long[] counts(Histogram h, int max) {
    long[] c = new long[max + 1];
    for (int v = 0; v <= max; v++) {
      c[v] = h.getCountAtValue(v);
    }
    return c;
  }

  @Test
  void probeLengthsInOneBucketAreSlotPositions() {
    int site = newSite();
    TophashMap<Object, Object> m = new TophashMap<>((Void) null, site);
    // Eight keys with pairwise distinct tophash bytes fill the single bucket of B = 0 in order.
    List<Integer> keys = new ArrayList<>();
    Set<Integer> tops = new HashSet<>();
    for (int k = 0; keys.size() < 8; k++) {
      if (tops.add(TophashMap.tophash(m.hash(k)))) {
        keys.add(k);
      }
    }
    for (int k : keys) {
      m.put(k, k);
    }
    for (int k : keys) {
      assertEquals(k, m.get(k));
    }
    int miss = -1;
    int falseMiss = -1;
    for (int k = 10_000; miss < 0 || falseMiss < 0; k++) {
      int t = TophashMap.tophash(m.hash(k));
      if (!tops.contains(t) && miss < 0) {
        miss = k;
      } else if (t == TophashMap.tophash(m.hash(keys.get(2))) && falseMiss < 0) {
        falseMiss = k;
      }
    }
    assertNull(m.get(miss));
    assertNull(m.get(falseMiss));
    SiteSnapshot s = snapshotOf(site);
    assertEquals(1, s.counter(Counter.MAPS));
    // Insert j scans j full slots then stops at emptyRest: probe j + 1; the 8th finds no empty.
    assertEquals("[0, 1, 1, 1, 1, 1, 1, 1, 1]",
        java.util.Arrays.toString(counts(s.histogram(Metric.PROBE_INSERT), 8)));
    assertEquals(8, s.histogram(Metric.PROBE_INSERT).getTotalCount());
    assertEquals(8, s.histogram(Metric.PROBE_HIT).getTotalCount());
    for (int v = 1; v <= 8; v++) {
      assertEquals(1, s.histogram(Metric.PROBE_INSERT).getCountAtValue(v), "insert probe " + v);
      assertEquals(1, s.histogram(Metric.PROBE_HIT).getCountAtValue(v), "hit probe " + v);
    }
    assertEquals(8, s.histogram(Metric.FALSEPOS_HIT).getCountAtValue(0));
    // Misses walk the whole full bucket: 8 slots; one of them had a matching tophash.
    assertEquals(2, s.histogram(Metric.PROBE_MISS).getCountAtValue(8));
    assertEquals(1, s.histogram(Metric.FALSEPOS_MISS).getCountAtValue(0));
    assertEquals(1, s.histogram(Metric.FALSEPOS_MISS).getCountAtValue(1));
    assertEquals(8, s.counter(Counter.INSERTS));
    assertEquals(10, s.counter(Counter.LOOKUPS));
  }

  @Test
  void overflowChainsOfKnownDepth() {
    int site = newSite();
    TophashMap<Object, Object> m = new TophashMap<>(100, site); // B = 4, 104 fit: no grow
    for (int i = 0; i < 20; i++) {
      m.put(new HashedKey(i, 77), i); // one bucket: 8 + 8 + 4 over a chain of three buckets
    }
    assertEquals(2, m.shape().noverflow());
    assertEquals(19, m.get(new HashedKey(19, 77)));
    SiteSnapshot s = snapshotOf(site);
    // Insert i examines i slots with an equal tophash (all false positives), then the next slot.
    for (int i = 0; i < 20; i++) {
      assertEquals(1, s.histogram(Metric.FALSEPOS_INSERT).getCountAtValue(i), "false positives " + i);
    }
    assertEquals(1, s.histogram(Metric.PROBE_HIT).getCountAtValue(20), "bucket 3, slot 4");
    assertEquals(1, s.histogram(Metric.FALSEPOS_HIT).getCountAtValue(19));
    assertEquals(2, s.counter(Counter.OVERFLOW_BUCKETS));
    // Insert i < 8 stops at emptyRest in slot i (probe i + 1); inserts 8 and 16 walk a full chain
    // to its end (probe 8 and 16); insert 9 + j stops at slot j + 1 of the overflow bucket.
    Histogram ins = s.histogram(Metric.PROBE_INSERT);
    assertEquals(2, ins.getCountAtValue(8));
    assertEquals(2, ins.getCountAtValue(16));
    assertEquals(0, ins.getCountAtValue(9));
    assertEquals(0, ins.getCountAtValue(17));
    for (int v : new int[] {1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 18, 19, 20}) {
      assertEquals(1, ins.getCountAtValue(v), "insert probe " + v);
    }
  }

  @Test
  void missesOfAFullBucketWalkTheChainOnlyWhenItsFilterHasTheTophash() {
    int site = newSite();
    TophashMap<Object, Object> m = new TophashMap<>(100, site); // B = 4: no grow
    for (int i = 0; i < 20; i++) {
      m.put(new HashedKey(i, 77), i); // one chain: 8 + 8 + 4
    }
    Object chained = new HashedKey(-1, 77); // same bucket and tophash as the 20 keys
    Object ruledOut = ruledOutBy(m, chained);
    SiteSnapshot before = snapshotOf(site);
    assertNull(m.get(chained));
    assertNull(m.get(ruledOut));
    SiteSnapshot after = snapshotOf(site);
    Histogram probes = after.histogram(Metric.PROBE_MISS);
    Histogram falsePositives = after.histogram(Metric.FALSEPOS_MISS);
    assertEquals(0, before.histogram(Metric.PROBE_MISS).getTotalCount());
    // The filter has the tophash: Go's walk of all 20 keys (all false positives) to the
    // emptyRest slot after them, slot 5 of the third bucket.
    assertEquals(1, probes.getCountAtValue(21));
    assertEquals(1, falsePositives.getCountAtValue(20));
    // The filter lacks it: the main bucket's 8 slots prove the miss, the chain is not walked.
    assertEquals(1, probes.getCountAtValue(8));
    assertEquals(1, falsePositives.getCountAtValue(0));
    assertEquals(2, probes.getTotalCount());
  }

  @Test
  void tombstonesAfterKnownDeletes() {
    int site = newSite();
    TophashMap<Integer, Integer> m = new TophashMap<>(1000, site);
    for (int i = 0; i < 1000; i++) {
      m.put(i, i);
    }
    for (int i = 0; i < 1000; i += 2) {
      m.remove(i);
    }
    SiteSnapshot s = snapshotOf(site);
    Histogram t = s.histogram(Metric.TOMBSTONES);
    assertEquals(500, t.getTotalCount(), "one sample per delete");
    assertTrue(t.getCountAtValue(m.shape().tombstones()) >= 1, "the last delete's sample");
    assertEquals(500, s.counter(Counter.DELETES));
    assertEquals(500, s.histogram(Metric.PROBE_DELETE).getTotalCount());
    assertTrue(m.shape().tombstones() > 0 && m.shape().tombstones() <= 500);
    Histogram share = s.histogram(Metric.TOMBSTONE_PERMILLE);
    assertEquals(500, share.getTotalCount());
    assertTrue(share.getMaxValue() <= 500 * 1000 / 1000 + 5, "share of 500 deletes among 1000");
  }

  @Test
  void anInsertIntoAMainBucketWithoutEmptyRestWalksTheChainOnlyWhenItsFilterHasTheTophash() {
    int site = newSite();
    TophashMap<Object, Object> m = new TophashMap<>(100, site); // B = 4: no grow
    for (int i = 0; i < 12; i++) {
      m.put(new HashedKey(i, 77), i); // one chain: 8 in the main bucket + 4 in an overflow bucket
    }
    m.remove(new HashedKey(2, 77)); // slot 2 of the main bucket: emptyOne, and no emptyRest
    HashedKey ruledOut = ruledOutBy(m, new HashedKey(0, 77));
    SiteSnapshot before = snapshotOf(site);
    m.put(ruledOut, "x"); // proven absent by the main bucket and the filter: 8 slots
    m.put(new HashedKey(100, 77), "y"); // the filter has its tophash: Go's walk to the chain's end
    SiteSnapshot after = snapshotOf(site);
    Histogram ins = after.histogram(Metric.PROBE_INSERT);
    Histogram was = before.histogram(Metric.PROBE_INSERT);
    assertEquals(1, ins.getCountAtValue(8) - was.getCountAtValue(8), "the filter-proven insert");
    // the second insert: 8 main slots, then the overflow bucket up to its emptyRest in slot 4
    assertEquals(1, ins.getCountAtValue(13) - was.getCountAtValue(13), "the walked insert");
    assertEquals(2, ins.getTotalCount() - was.getTotalCount());
    assertEquals("x", m.get(ruledOut));
    assertEquals("y", m.get(new HashedKey(100, 77)));
    m.checkInvariants();
  }

  @Test
  void tombstoneSamplesAreExactBelowAndAboveThePlainCountersRange() {
    int site = newSite();
    TophashMap<Integer, Integer> m = new TophashMap<>(6000, site);
    for (int i = 0; i < 6000; i++) {
      m.put(i, i);
    }
    MapSites.snapshot(true); // start the intervals here
    Histogram counts = new Histogram(2);
    Histogram shares = new Histogram(2);
    Histogram intervalCounts = new Histogram(2);
    Histogram intervalShares = new Histogram(2);
    for (int i = 0; i < 6000; i++) {
      if (i % 3 == 0) {
        continue;
      }
      m.remove(i);
      int t = m.shape().tombstones();
      counts.recordValue(t);
      int occupied = m.size() + t;
      shares.recordValue(occupied == 0 ? 0 : t * 1000L / occupied);
      if (i % 997 == 0) {
        SiteSnapshot interval = MapSites.snapshot(true).sites().get(site);
        intervalCounts.add(interval.histogram(Metric.TOMBSTONES));
        intervalShares.add(interval.histogram(Metric.TOMBSTONE_PERMILLE));
      }
    }
    SiteSnapshot last = MapSites.snapshot(true).sites().get(site);
    intervalCounts.add(last.histogram(Metric.TOMBSTONES));
    intervalShares.add(last.histogram(Metric.TOMBSTONE_PERMILLE));
    assertTrue(counts.getMaxValue() >= 2_000, "samples in the plain counters' wider buckets");
    SiteSnapshot s = snapshotOf(site);
    assertEquals(counts, s.histogram(Metric.TOMBSTONES));
    assertEquals(shares, s.histogram(Metric.TOMBSTONE_PERMILLE));
    assertEquals(counts, intervalCounts, "the intervals add up to the samples");
    assertEquals(shares, intervalShares);
  }

  @Test
  void plainCounterBucketsAreTheSiteHistogramsEquivalentValueRanges() {
    Histogram h = SiteSnapshot.newHistogram();
    for (int v = 0; v < SiteBuffer.TOMBSTONE_LIMIT; v += 1 + v / 4096) {
      int b = SiteBuffer.countBucket(v);
      assertTrue(b >= 0 && b < SiteBuffer.TOMBSTONE_BUCKETS, "bucket of " + v);
      assertEquals(h.lowestEquivalentValue(v), SiteBuffer.bucketValue(b), "lowest value like " + v);
      assertEquals(b, SiteBuffer.countBucket((int) h.highestEquivalentValue(v)), "highest value like " + v);
    }
    assertEquals(SiteBuffer.TOMBSTONE_BUCKETS - 1, SiteBuffer.countBucket(SiteBuffer.TOMBSTONE_LIMIT - 1));
  }

  @Test
  void evacuationStepsPerGrowAreCountedExactly() {
    int site = newSite();
    TophashMap<Integer, Integer> m = new TophashMap<>((Void) null, site);
    int growWrites = 0;
    int grows = 0;
    for (int i = 0; i < 20_000; i++) {
      boolean growingBefore = m.shape().growing();
      int bBefore = m.shape().b();
      m.put(i, i);
      if (growingBefore || m.shape().b() != bBefore) {
        growWrites++; // every write during a grow, and the one that starts it, does grow work
      }
      if (m.shape().b() != bBefore) {
        grows++;
      }
    }
    for (int i = 0; i < 100; i++) {
      if (m.shape().growing()) {
        growWrites++;
      }
      m.remove(-i - 1); // deletes of absent keys do grow work too
    }
    SiteSnapshot s = snapshotOf(site);
    assertEquals(growWrites, s.histogram(Metric.EVAC_STEP_NANOS).getTotalCount());
    assertEquals(grows, s.counter(Counter.DOUBLING_GROWS));
    assertEquals(grows, s.histogram(Metric.GROW_START_NANOS).getTotalCount());
    long finished = s.histogram(Metric.GROW_WRITES).getTotalCount();
    assertEquals(m.shape().growing() ? grows - 1 : grows, finished);
    assertEquals(finished, s.histogram(Metric.GROW_TOTAL_NANOS).getTotalCount());
    assertEquals(m.shape().b(), (int) s.histogram(Metric.FINAL_B).getMaxValue());
    assertEquals(1, s.histogram(Metric.FINAL_B).getTotalCount());
    assertEquals(1, s.histogram(Metric.PEAK_SIZE).getCountAtValue(16384), "20,000 entries: level 2^14");
    assertEquals(1, s.histogram(Metric.PEAK_SIZE).getTotalCount());
  }

  @Test
  void sampledOperationsAndTrackedMaps() {
    Recording.configure(true, 4, 3, false);
    int site = newSite();
    List<TophashMap<Integer, Integer>> maps = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      maps.add(new TophashMap<>(0, site));
    }
    for (TophashMap<Integer, Integer> m : maps) {
      for (int i = 0; i < 400; i++) {
        m.put(i, i);
      }
    }
    SiteSnapshot s = snapshotOf(site);
    assertEquals(9, s.counter(Counter.MAPS));
    assertEquals(3, s.counter(Counter.MAPS_TRACKED));
    assertEquals(3 * 400 / 4, s.counter(Counter.INSERTS), "1 in 4 operations of 3 tracked maps");
  }

  @Test
  void untrackedMapsKeepHashMapsOwnAlgorithmAndSizing() {
    // Under maps=N the maps a site does not track run HashMap's own code with HashMap's own
    // sizing: their iteration order, which depends on HashMap's table capacity, is HashMap's
    // for every constructor shape; the tracked maps are Go maps with Go's order.
    Recording.configure(true, 1, 2, false);
    int site = newSite();
    Map<Integer, Integer> source = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      source.put(i * 37, i);
    }
    List<Map<Integer, Integer>> expected = List.of(new HashMap<>(), new HashMap<>(3),
        new HashMap<>(1000), new HashMap<>(5, 0.25f), new HashMap<>(source));
    List<TophashMap<Integer, Integer>> tracked = new ArrayList<>();
    List<TophashMap<Integer, Integer>> untracked = new ArrayList<>();
    for (int shape = 0; shape < expected.size(); shape++) {
      for (int pair = 0; pair < 2; pair++) { // 1 in 2: the first map of each pair is tracked
        TophashMap<Integer, Integer> m = switch (shape) {
          case 0 -> new TophashMap<>((Void) null, site);
          case 1 -> new TophashMap<>(3, site);
          case 2 -> new TophashMap<>(1000, site);
          case 3 -> new TophashMap<>(5, 0.25f, site);
          default -> new TophashMap<>(source, site);
        };
        (pair == 0 ? tracked : untracked).add(m);
      }
    }
    for (int i = 0; i < expected.size(); i++) {
      Map<Integer, Integer> want = expected.get(i);
      TophashMap<Integer, Integer> t = tracked.get(i);
      TophashMap<Integer, Integer> u = untracked.get(i);
      for (int k = 1000; k > 0; k -= 7) {
        want.put(k, k);
        t.put(k, k);
        u.put(k, k);
      }
      assertEquals(new ArrayList<>(want.keySet()), new ArrayList<>(u.keySet()), "HashMap's order, shape " + i);
      assertEquals(want, t);
      u.checkInvariants();
      t.checkInvariants();
      assertEquals(0, u.shape().b(), "an untracked map allocates no Go table");
      assertTrue(t.shape().b() > 0, "a tracked map is a Go map");
    }
    SiteSnapshot s = snapshotOf(site);
    assertEquals(10, s.counter(Counter.MAPS));
    assertEquals(5, s.counter(Counter.MAPS_TRACKED));
  }

  @Test
  void theSitedFactoriesAllocatePlainHashMapsForTheMapsASiteDoesNotTrack() {
    // Rewritten sites call the factories: under maps=3 the first map of every three is a tracked
    // Go map, and the other two are java.util.HashMap itself, counted as allocated.
    Recording.configure(true, 1, 3, false);
    int site = newSite();
    Map<String, Integer> source = Map.of("a", 1, "b", 2);
    List<Map<String, Integer>> made = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      made.add(TophashMap.constructAt(site));
      made.add(TophashMap.constructAt(site, 5));
      made.add(TophashMap.constructAt(site, 5, 0.5f));
      made.add(TophashMap.constructAt(site, source));
      made.add(TophashMap.newHashMapAt(12, site));
      made.add(TophashMap.constructAt(site, 7));
    }
    int tracked = 0;
    for (int i = 0; i < made.size(); i++) {
      Map<String, Integer> m = made.get(i);
      if (i % 3 == 0) {
        assertSame(TophashMap.class, m.getClass(), "map " + i);
        tracked++;
      } else {
        assertSame(HashMap.class, m.getClass(), "map " + i);
      }
      assertEquals(i % 6 == 3 ? source : Map.of(), m, "map " + i);
    }
    SiteSnapshot s = snapshotOf(site);
    assertEquals(made.size(), s.counter(Counter.MAPS));
    assertEquals(tracked, s.counter(Counter.MAPS_TRACKED));

    // A factory that throws as HashMap's constructor throws counts no map, tracked or not.
    assertSame(TophashMap.class, TophashMap.constructAt(site).getClass()); // the next two: untracked
    assertThrows(IllegalArgumentException.class, () -> TophashMap.constructAt(site, -1));
    assertThrows(NullPointerException.class,
        () -> TophashMap.constructAt(site, (Map<String, Integer>) null));
    assertThrows(IllegalArgumentException.class, () -> TophashMap.newHashMapAt(-1, site));
    assertThrows(IllegalArgumentException.class, () -> TophashMap.constructAt(site, -1)); // tracked
    assertEquals(made.size() + 1, snapshotOf(site).counter(Counter.MAPS));
    assertEquals(tracked + 1, snapshotOf(site).counter(Counter.MAPS_TRACKED));

    // Every map tracked (maps=1), or recording off: the factories allocate Go maps only.
    Recording.configure(true, 1, 1, false);
    assertSame(TophashMap.class, TophashMap.constructAt(newSite()).getClass());
    Recording.configure(false, 1, 3, false);
    int off = newSite();
    for (int i = 0; i < 3; i++) {
      assertSame(TophashMap.class, TophashMap.constructAt(off).getClass());
    }
  }

  @Test
  void hashMapCapacityIsHashMapNewHashMapsSizing() {
    // HashMap.newHashMap(n) (JDK 19+) asks for ceil(n / 0.75) buckets' worth of capacity.
    assertEquals(0, MapSites.hashMapCapacity(0));
    assertEquals(2, MapSites.hashMapCapacity(1));
    assertEquals(16, MapSites.hashMapCapacity(12));
    assertEquals(18, MapSites.hashMapCapacity(13));
    assertEquals(1_333_334, MapSites.hashMapCapacity(1_000_000));
  }

  @Test
  void sampledLookupsOfEveryKindCountOneInN() {
    // Misses resolved by the main bucket alone, misses that Go would walk an overflow chain for,
    // hits: with 1 in 5 operations sampled, exactly a fifth of each sequence is recorded.
    int n = 6_500;
    Recording.configure(true, 5, 1, false);
    int site = newSite();
    TophashMap<Integer, Integer> m = new TophashMap<>(0, site);
    for (int i = 0; i < n; i++) {
      m.put(i, i); // B = 10 at 6,500 entries: many full buckets with overflow chains
    }
    assertTrue(m.shape().noverflow() > 0);
    SiteSnapshot before = snapshotOf(site);
    int lookups = 50_000;
    for (int i = 0; i < lookups; i++) {
      m.get(i % (2 * n)); // half hits, half misses
    }
    SiteSnapshot after = snapshotOf(site);
    long recorded = after.counter(Counter.LOOKUPS) - before.counter(Counter.LOOKUPS);
    assertEquals(lookups / 5, recorded, "1 in 5 lookups, hits and misses alike");
    long probes = after.histogram(Metric.PROBE_HIT).getTotalCount()
        + after.histogram(Metric.PROBE_MISS).getTotalCount()
        - before.histogram(Metric.PROBE_HIT).getTotalCount()
        - before.histogram(Metric.PROBE_MISS).getTotalCount();
    assertEquals(lookups / 5, probes);
  }

  @Test
  void aSampledDeleteOrGrowStepIsRecordedWhole() {
    // A delete's tombstone sample and a write's evacuation step belong to the operation's record:
    // with 1 in 4 operations sampled, they are recorded for exactly the sampled operations.
    Recording.configure(true, 4, 1, false);
    int site = newSite();
    TophashMap<Integer, Integer> m = new TophashMap<>(0, site);
    int n = 8_000;
    for (int i = 0; i < n; i++) {
      m.put(i, i);
    }
    SiteSnapshot before = snapshotOf(site);
    for (int i = 0; i < n / 2; i++) {
      m.remove(i);
    }
    SiteSnapshot after = snapshotOf(site);
    long deletes = after.counter(Counter.DELETES) - before.counter(Counter.DELETES);
    assertEquals(n / 2 / 4, deletes);
    assertEquals(deletes, after.histogram(Metric.TOMBSTONES).getTotalCount()
        - before.histogram(Metric.TOMBSTONES).getTotalCount(), "one tombstone sample per recorded delete");
    long steps = before.histogram(Metric.EVAC_STEP_NANOS).getTotalCount();
    long growWrites = Math.round(before.histogram(Metric.GROW_WRITES).getMean()
        * before.histogram(Metric.GROW_WRITES).getTotalCount());
    assertTrue(steps > 0 && steps < growWrites / 2,
        "evacuation steps timed for sampled writes only: " + steps + " of " + growWrites);
    assertEquals(before.counter(Counter.DOUBLING_GROWS), before.histogram(Metric.GROW_TOTAL_NANOS).getTotalCount(),
        "every grow's total is recorded, sampled or not");
  }

  @Test
  void offRecordsNothing() {
    Recording.configure(false, 1, 1, false);
    int site = newSite();
    TophashMap<Integer, Integer> m = new TophashMap<>(0, site);
    for (int i = 0; i < 1000; i++) {
      m.put(i, i);
      m.get(i);
    }
    assertNull(m.rec);
    SiteSnapshot s = snapshotOf(site);
    assertEquals(0, s.counter(Counter.MAPS));
    assertEquals(0, s.recordedOperations());
  }

  /**
   * A snapshot may hand out the site's own totals instead of a copy (the report at exit takes one
   * and nothing folds after it); a later fold must copy them first. And until the first interval
   * snapshot only the totals are kept: the first interval is everything since the start.
   */
  @Test
  void snapshotsNeverChangeUnderTheirReadersAndIntervalsAddUp() {
    int site = newSite();
    TophashMap<Integer, Integer> m = new TophashMap<>((Void) null, site);
    for (int i = 0; i < 1000; i++) {
      m.put(i, i);
    }
    SiteSnapshot first = snapshotOf(site);
    long steps = first.histogram(Metric.EVAC_STEP_NANOS).getTotalCount();
    long grows = first.histogram(Metric.GROW_TOTAL_NANOS).getTotalCount();
    assertTrue(steps > 0 && grows > 0, steps + " steps, " + grows + " grows");
    SiteSnapshot again = snapshotOf(site);
    assertEquals(steps, again.histogram(Metric.EVAC_STEP_NANOS).getTotalCount());

    TophashMap<Integer, Integer> m2 = new TophashMap<>((Void) null, site);
    for (int i = 0; i < 1000; i++) {
      m2.put(i, i);
    }
    SiteSnapshot firstInterval = MapSites.snapshot(true).sites().get(site);
    SiteSnapshot second = snapshotOf(site);
    assertEquals(steps, first.histogram(Metric.EVAC_STEP_NANOS).getTotalCount(),
        "a snapshot's histogram changed after it was taken");
    assertEquals(grows, again.histogram(Metric.GROW_TOTAL_NANOS).getTotalCount());
    long steps2 = second.histogram(Metric.EVAC_STEP_NANOS).getTotalCount();
    assertTrue(steps2 > steps, steps2 + " after " + steps);
    assertEquals(2 * grows, second.histogram(Metric.GROW_TOTAL_NANOS).getTotalCount());
    assertEquals(steps2, firstInterval.histogram(Metric.EVAC_STEP_NANOS).getTotalCount(),
        "the first interval is everything since the start");
    assertEquals(2 * grows, firstInterval.histogram(Metric.GROW_TOTAL_NANOS).getTotalCount());

    TophashMap<Integer, Integer> m3 = new TophashMap<>((Void) null, site);
    for (int i = 0; i < 1000; i++) {
      m3.put(i, i);
    }
    SiteSnapshot secondInterval = MapSites.snapshot(true).sites().get(site);
    SiteSnapshot third = snapshotOf(site);
    long steps3 = third.histogram(Metric.EVAC_STEP_NANOS).getTotalCount();
    assertEquals(steps3 - steps2, secondInterval.histogram(Metric.EVAC_STEP_NANOS).getTotalCount());
    assertEquals(grows, secondInterval.histogram(Metric.GROW_TOTAL_NANOS).getTotalCount());
    assertEquals(steps2, firstInterval.histogram(Metric.EVAC_STEP_NANOS).getTotalCount());
    assertEquals(steps2, second.histogram(Metric.EVAC_STEP_NANOS).getTotalCount());
    assertEquals(3 * grows, third.histogram(Metric.GROW_TOTAL_NANOS).getTotalCount());
    assertEquals(0, MapSites.snapshot(true).sites().get(site)
        .histogram(Metric.EVAC_STEP_NANOS).getTotalCount());
  }

  @Test
  void intervalsFromAnotherThreadAddUpExactly() throws Exception {
    int site = newSite();
    int threads = 4;
    int mapsPerThread = 50;
    int keys = 500;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int n = 0; n < mapsPerThread; n++) {
          TophashMap<Integer, Integer> m = new TophashMap<>((Void) null, site);
          for (int i = 0; i < keys; i++) {
            m.put(i, i);
          }
          for (int i = 0; i < keys; i++) {
            m.get(i);
            m.get(-i - 1);
          }
        }
      });
      w.start();
      workers.add(w);
    }
    long inserts = 0;
    long lookups = 0;
    long hits = 0;
    long evac = 0;
    AtomicBoolean done = new AtomicBoolean();
    start.countDown();
    while (!done.get()) {
      done.set(workers.stream().noneMatch(Thread::isAlive));
      ProfileSnapshot interval = MapSites.snapshot(true);
      SiteSnapshot s = interval.sites().get(site);
      inserts += s.counter(Counter.INSERTS);
      lookups += s.counter(Counter.LOOKUPS);
      hits += s.histogram(Metric.PROBE_HIT).getTotalCount();
      evac += s.histogram(Metric.EVAC_STEP_NANOS).getTotalCount();
      Thread.sleep(1);
    }
    for (Thread w : workers) {
      w.join();
    }
    SiteSnapshot last = MapSites.snapshot(true).sites().get(site);
    inserts += last.counter(Counter.INSERTS);
    lookups += last.counter(Counter.LOOKUPS);
    hits += last.histogram(Metric.PROBE_HIT).getTotalCount();
    evac += last.histogram(Metric.EVAC_STEP_NANOS).getTotalCount();
    long total = (long) threads * mapsPerThread * keys;
    assertEquals(total, inserts);
    assertEquals(2 * total, lookups);
    assertEquals(total, hits);
    SiteSnapshot cumulative = snapshotOf(site);
    assertEquals(total, cumulative.counter(Counter.INSERTS));
    assertEquals(evac, cumulative.histogram(Metric.EVAC_STEP_NANOS).getTotalCount());
    assertEquals(threads * mapsPerThread, cumulative.counter(Counter.MAPS));
  }

  @Test
  void racesAreCountedOrThrownAsConfigured() throws Exception {
    Recording.configure(true, 1, 1, true);
    int site = newSite();
    TophashMap<Integer, Integer> shared = new TophashMap<>((Void) null, site);
    List<Throwable> thrown = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int base = t * 1_000_000;
      Thread w = new Thread(() -> {
        for (int i = 0; i < 200_000; i++) {
          try {
            shared.put(base + (i & 4095), i);
            shared.remove(base + ((i + 2048) & 4095));
          } catch (java.util.ConcurrentModificationException e) {
            thrown.add(e);
          } catch (RuntimeException e) {
            // racy misuse may surface as HashMap's own exceptions; never a hang
          }
        }
      });
      ts.add(w);
      w.start();
    }
    for (Thread w : ts) {
      w.join(60_000);
      assertTrue(!w.isAlive(), "a racing writer hung");
    }
    SiteSnapshot s = snapshotOf(site);
    long writes = thrown.stream().filter(e -> "concurrent map writes".equals(e.getMessage())).count();
    long broken = thrown.stream()
        .filter(e -> "concurrent map read and map write".equals(e.getMessage())).count();
    assertEquals(thrown.size(), writes + broken, "only the two race messages");
    // Every write race that threw was counted first; table damage found by an internal failure
    // is counted too, whether the repair let the operation go on or it threw.
    assertTrue(s.counter(Counter.CONCURRENT_WRITES) >= writes + broken,
        s.counter(Counter.CONCURRENT_WRITES) + " counted, " + thrown.size() + " thrown");
    assertTrue(writes > 0, "four threads writing one map for 800,000 writes collide at least once");
  }
}
