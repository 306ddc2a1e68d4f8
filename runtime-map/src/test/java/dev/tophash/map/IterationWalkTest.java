package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The iterators' walk of a table that is not growing: main buckets in one loop, and the buckets
 * whose overflow chains that loop leaves to the general walk (the first and the last bucket, and
 * a main bucket emptied while its chain still holds keys). Every view must hand out each entry
 * exactly once.
 */
class IterationWalkTest {
  /** A map of 16 main buckets (a hint of 64), with {@code perBucket} keys in each listed bucket. */
  private static TophashMap<Integer, Integer> withChains(int perBucket, int... buckets) {
    TophashMap<Integer, Integer> m = new TophashMap<>(64);
    assertEquals(4, m.shape().b());
    for (int bucket : buckets) {
      int added = 0;
      for (int k = 0; added < perBucket; k++) {
        if (m.bucketOf(k) == bucket && !m.containsKey(k)) {
          m.put(k, -k);
          added++;
        }
      }
    }
    return m;
  }

  /** Every way to walk the map hands out exactly its entries, each once. */
  private static void assertWalksMatch(TophashMap<Integer, Integer> m) {
    assertFalse(m.shape().growing(), "the walk under test is the one of a table not growing");
    Map<Integer, Integer> expected = new HashMap<>();
    for (int k = 0; k < 100_000; k++) {
      Integer v = m.get(k);
      if (v != null) {
        expected.put(k, v);
      }
    }
    assertEquals(m.size(), expected.size(), "keys found by lookup");

    Map<Integer, Integer> byEntries = new HashMap<>();
    for (Map.Entry<Integer, Integer> e : m.entrySet()) {
      assertEquals(null, byEntries.put(e.getKey(), e.getValue()), "entry handed out twice");
    }
    assertEquals(expected, byEntries);

    List<Integer> keys = new ArrayList<>(m.keySet());
    assertEquals(expected.size(), keys.size());
    assertEquals(expected.keySet(), new java.util.HashSet<>(keys));

    List<Integer> values = new ArrayList<>(m.values());
    values.sort(null);
    List<Integer> expectedValues = new ArrayList<>(expected.values());
    expectedValues.sort(null);
    assertEquals(expectedValues, values);

    Map<Integer, Integer> byForEach = new HashMap<>();
    m.forEach((k, v) -> assertEquals(null, byForEach.put(k, v), "forEach visited a key twice"));
    assertEquals(expected, byForEach);
  }

  @Test
  void chainsAtTheFirstAndLastBuckets() {
    TophashMap<Integer, Integer> m = withChains(20, 0, 15);
    assertTrue(m.chainStates(0).contains("->"), m.chainStates(0));
    assertTrue(m.chainStates(15).contains("->"), m.chainStates(15));
    assertWalksMatch(m);
  }

  @Test
  void chainsBetweenBucketsWithoutOne() {
    TophashMap<Integer, Integer> m = withChains(11, 3, 4, 9);
    for (int k = 0; m.size() < 60; k++) {
      m.put(k, -k);
    }
    assertWalksMatch(m);
  }

  @Test
  void aMainBucketEmptiedWhileItsChainHoldsKeys() {
    TophashMap<Integer, Integer> m = withChains(12, 7);
    // The first eight keys of bucket 7 fill its main bucket; delete exactly those.
    List<Integer> inBucket = new ArrayList<>();
    for (int k = 0; inBucket.size() < 12; k++) {
      if (m.bucketOf(k) == 7 && m.containsKey(k)) {
        inBucket.add(k);
      }
    }
    for (int k : inBucket.subList(0, 8)) {
      m.remove(k);
    }
    assertTrue(m.chainStates(7).startsWith("EEEEEEEE ->"), m.chainStates(7));
    assertEquals(4, m.size());
    assertWalksMatch(m);
  }

  @Test
  void emptyTailBucketsEndTheWalk() {
    TophashMap<Integer, Integer> m = withChains(3, 0, 1);
    assertWalksMatch(m);
    Iterator<Integer> it = m.keySet().iterator();
    for (int i = 0; i < 6; i++) {
      assertTrue(it.hasNext());
      it.next();
    }
    assertFalse(it.hasNext());
  }

  @Test
  void removingThroughTheIteratorAcrossChains() {
    TophashMap<Integer, Integer> m = withChains(20, 0, 8, 15);
    int removed = 0;
    for (Iterator<Map.Entry<Integer, Integer>> it = m.entrySet().iterator(); it.hasNext(); ) {
      if ((it.next().getKey() & 1) == 0) {
        it.remove();
        removed++;
      }
    }
    assertEquals(60 - removed, m.size());
    assertWalksMatch(m);
  }
}
