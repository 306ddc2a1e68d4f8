package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The iterators' walk of a table that is not growing: the main buckets, then the overflow store
 * chunk by chunk (chains at the first and the last bucket, a main bucket emptied while its chain
 * still holds keys, chains across several chunks, and a small table whose store has no
 * preallocated chunk). Every view must hand out each entry exactly once, and every view,
 * {@code forEach} (the map's and its views') and {@code replaceAll} in the same order, as HashMap's do.
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

    assertSameOrderEverywhere(m);
  }

  /** Keys, values, entries, forEach and replaceAll all visit the entries in one order. */
  static void assertSameOrderEverywhere(TophashMap<Integer, Integer> m) {
    List<Integer> keys = new ArrayList<>(m.keySet());
    List<Integer> values = new ArrayList<>(m.values());
    List<Integer> entryKeys = new ArrayList<>();
    for (Map.Entry<Integer, Integer> e : m.entrySet()) {
      entryKeys.add(e.getKey());
      assertEquals(values.get(entryKeys.size() - 1), e.getValue(), "values and entries aligned");
    }
    assertEquals(keys, entryKeys, "key and entry order");
    List<Integer> forEachKeys = new ArrayList<>();
    m.forEach((k, v) -> forEachKeys.add(k));
    assertEquals(keys, forEachKeys, "forEach order");
    List<Integer> keySetForEach = new ArrayList<>();
    m.keySet().forEach(keySetForEach::add);
    assertEquals(keys, keySetForEach, "keySet().forEach order");
    List<Integer> valuesForEach = new ArrayList<>();
    m.values().forEach(valuesForEach::add);
    assertEquals(values, valuesForEach, "values().forEach order");
    List<Integer> entryForEachKeys = new ArrayList<>();
    m.entrySet().forEach(e -> {
      entryForEachKeys.add(e.getKey());
      assertEquals(values.get(entryForEachKeys.size() - 1), e.getValue(), "entrySet().forEach value");
    });
    assertEquals(keys, entryForEachKeys, "entrySet().forEach order");
    List<Integer> replaceAllKeys = new ArrayList<>();
    m.replaceAll((k, v) -> {
      replaceAllKeys.add(k);
      return v;
    });
    assertEquals(keys, replaceAllKeys, "replaceAll order");
    for (int i = 0; i < keys.size(); i++) {
      assertEquals(values.get(i), m.get(keys.get(i)), "value of " + keys.get(i));
    }
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
  void chainsAcrossSeveralOverflowChunks() {
    // 16 main buckets: one preallocated overflow bucket, then chunks of 4. Keys go to buckets 2
    // and 13 in turn, so that their chains (6 overflow buckets each, below the 16 that make a
    // same-size grow, and 100 keys, below the 105 that make a doubling one) interleave across
    // chunks 0 to 3.
    TophashMap<Integer, Integer> m = new TophashMap<>(64);
    int[] next = new int[2];
    for (int i = 0; i < 100; i++) {
      int side = i & 1;
      int bucket = side == 0 ? 2 : 13;
      int k = next[side];
      while (m.bucketOf(k) != bucket || m.containsKey(k)) {
        k++;
      }
      m.put(k, -k);
      next[side] = k + 1;
    }
    Shape shape = m.shape();
    assertEquals(4, shape.b());
    assertFalse(shape.growing(), shape.toString());
    assertEquals(12, shape.overflowBuckets(), shape.toString());
    assertWalksMatch(m);
  }

  @Test
  void aSmallTableWithoutPreallocatedOverflow() {
    // 4 main buckets (B = 2) have no spare overflow bucket: chunk 0 of the store is empty and
    // the walk must go on to chunk 1.
    TophashMap<Integer, Integer> m = new TophashMap<>(20);
    assertEquals(2, m.shape().b());
    for (int k = 0; m.size() < 12; k++) {
      if (m.bucketOf(k) == 1) {
        m.put(k, -k);
      }
    }
    assertEquals(2, m.shape().b());
    assertEquals(0, m.shape().preallocatedOverflow());
    assertTrue(m.shape().overflowBuckets() > 0, m.shape().toString());
    assertWalksMatch(m);
  }

  @Test
  void theOrderDuringAGrowIsOneOrderToo() {
    TophashMap<Integer, Integer> m = new TophashMap<>();
    int k = 0;
    while (!m.shape().growing() || m.shape().b() < 6) {
      m.put(k, -k);
      k++;
    }
    assertTrue(m.shape().growing());
    assertSameOrderEverywhere(m);
  }

  @Test
  void removeAfterAConcurrentModificationFailsAsHashMapsDoes() {
    for (boolean growing : new boolean[] {false, true}) {
      TophashMap<Integer, Integer> m = new TophashMap<>();
      HashMap<Integer, Integer> h = new HashMap<>();
      int k = 0;
      while (m.size() < 40 || m.shape().growing() != growing) {
        m.put(k, k);
        h.put(k, k);
        k++;
      }
      for (Map<Integer, Integer> map : List.<Map<Integer, Integer>>of(m, h)) {
        Iterator<Integer> it = map.keySet().iterator();
        it.next();
        map.put(-1, -1);
        for (int attempt = 0; attempt < 2; attempt++) {
          assertThrows(ConcurrentModificationException.class, it::remove,
              map.getClass().getSimpleName() + (growing ? ", growing" : "") + ", try " + attempt);
        }
      }
    }
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
