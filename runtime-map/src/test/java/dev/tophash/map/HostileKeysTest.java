package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys whose hashCode or equals throw, keys that change, and maps that contain themselves. */
class HostileKeysTest {
  static final class Boom extends RuntimeException {
    Boom(String m) {
      super(m);
    }
  }

  /** A key that can be told to throw from hashCode or equals. */
  static final class Fickle {
    final int id;
    boolean throwHash;
    boolean throwEquals;
    /** Throw trace-less NullPointerExceptions, as compiled code does after many (fast throw). */
    boolean throwBare;

    Fickle(int id) {
      this.id = id;
    }

    @Override
    public int hashCode() {
      if (throwHash) {
        throw new Boom("hashCode " + id);
      }
      if (throwBare) {
        throw bare();
      }
      return id % 7;
    }

    @Override
    public boolean equals(Object o) {
      if (throwEquals) {
        throw new Boom("equals " + id);
      }
      if (throwBare && o != this) {
        throw bare();
      }
      return o instanceof Fickle f && f.id == id;
    }
  }

  private static TophashMap<Object, Object> filled(int n) {
    TophashMap<Object, Object> m = new TophashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(new Fickle(i), i);
    }
    return m;
  }

  @Test
  void throwingHashCodeReachesTheCallerAndLeavesTheMapAsItWas() {
    for (int n : new int[] {0, 5, 13, 100, 1000}) {
      TophashMap<Object, Object> m = filled(n);
      Map<Object, Object> before = new HashMap<>(m);
      Fickle bad = new Fickle(-1);
      bad.throwHash = true;
      assertThrows(Boom.class, () -> m.put(bad, 1));
      assertThrows(Boom.class, () -> m.computeIfAbsent(bad, k -> 1));
      if (n > 0) {
        assertThrows(Boom.class, () -> m.get(bad));
        assertThrows(Boom.class, () -> m.remove(bad));
        assertThrows(Boom.class, () -> m.containsKey(bad));
      }
      assertEquals(before, m);
      m.checkInvariants();
      m.put(new Fickle(-2), 2);
      assertEquals(n + 1, m.size());
    }
  }

  @Test
  void throwingEqualsReachesTheCallerAndLeavesTheContentsAsTheyWere() {
    TophashMap<Object, Object> m = filled(200);
    Map<Object, Object> before = new HashMap<>(m);
    Fickle bad = new Fickle(3);
    bad.throwEquals = true;
    // bad is the argument, so its equals is what the map calls, as HashMap does.
    assertThrows(Boom.class, () -> m.put(bad, 1));
    assertThrows(Boom.class, () -> m.get(bad));
    assertThrows(Boom.class, () -> m.remove(bad));
    assertEquals(before, m);
    m.checkInvariants();
  }

  private static NullPointerException bare() {
    NullPointerException e = new NullPointerException();
    e.setStackTrace(new StackTraceElement[0]);
    return e;
  }

  @Test
  void aKeysExceptionWithoutAStackTraceStillReachesTheCallerUnchanged() {
    // Such an exception could also be the map's own (a race), so the map repairs and tries
    // again; the key throws again, and the caller gets the key's exception, not a
    // ConcurrentModificationException, with the map as it was.
    for (int n : new int[] {0, 13, 1000}) {
      TophashMap<Object, Object> m = filled(n);
      Map<Object, Object> before = new HashMap<>(m);
      Fickle bad = new Fickle(3);
      bad.throwBare = true;
      assertThrows(NullPointerException.class, () -> m.put(bad, 1));
      assertThrows(NullPointerException.class, () -> m.computeIfAbsent(bad, k -> 1));
      if (n > 0) { // an empty map looks nothing up, as HashMap
        assertThrows(NullPointerException.class, () -> m.get(bad));
        assertThrows(NullPointerException.class, () -> m.remove(bad));
      }
      assertEquals(before, m);
      m.checkInvariants();
    }
  }

  @Test
  void aKeyWhoseHashCodeThrowsAfterInsertionSurvivesEvacuation() {
    TophashMap<Object, Object> m = new TophashMap<>();
    Fickle k = new Fickle(1_000_001);
    m.put(k, "v");
    k.throwHash = true;
    for (int i = 0; i < 10_000; i++) {
      m.put(i, i);
    }
    assertEquals(10_001, m.size());
    int found = 0;
    for (Object key : m.keySet()) {
      if (key == k) {
        found++;
      }
    }
    assertEquals(1, found, "still there, reachable by iteration");
  }

  /**
   * A key counting its hashCode calls (a slow hash code costs once per operation, as in HashMap),
   * whose hash code a test may change after insertion.
   */
  static final class Counting {
    static int hashCalls;
    final int id;
    int hash;

    Counting(int id) {
      this.id = id;
      this.hash = id;
    }

    Counting(int id, int hash) {
      this.id = id;
      this.hash = hash;
    }

    @Override
    public int hashCode() {
      hashCalls++;
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Counting c && c.id == id;
    }
  }

  @Test
  void aSlowHashCodeIsCalledOncePerOperation() {
    TophashMap<Object, Object> m = new TophashMap<>();
    for (int i = 0; i < 50_000; i++) {
      if (m.shape().growing()) {
        m.put(new Counting(-i - 1), i); // evacuation rehashes moved keys: measured apart
        continue;
      }
      Counting k = new Counting(i);
      Shape before = m.shape();
      Counting.hashCalls = 0;
      m.put(k, i);
      int forPut = Counting.hashCalls;
      boolean grew = m.shape().b() != before.b() || m.shape().growing()
          || m.shape().evacuated() != before.evacuated();
      Counting.hashCalls = 0;
      m.get(k);
      m.containsKey(k);
      if (!grew && forPut != 1) {
        throw new AssertionError("put called hashCode " + forPut + " times at " + i);
      }
      assertEquals(2, Counting.hashCalls, "get and containsKey: one call each");
    }
    while (m.shape().growing()) {
      m.put(new Counting(-1), 0); // each write moves two old buckets: finish the grow
    }
    for (int i = 0; i < 50_000; i += 2) { // removes of present and absent keys (removes never grow)
      Counting.hashCalls = 0;
      m.remove(new Counting(i));
      m.remove(new Counting(-i - 100_000));
      assertEquals(2, Counting.hashCalls, "remove of a present and of an absent key: one call each");
    }
  }

  @Test
  void anEvacuationThatFailsPartWayThroughAChainLosesNoEntry() {
    TophashMap<Object, Object> m = new TophashMap<>(13); // B = 1, grows at the 14th insert
    Counting[] chain = new Counting[9];
    for (int i = 0; i < chain.length; i++) {
      chain[i] = new Counting(i, 77); // one chain: 8 in the main bucket, the 9th in an overflow bucket
      m.put(chain[i], i);
    }
    assertEquals(1, m.shape().overflowBuckets());
    int oldBucket = m.bucketOf(chain[0]);
    int top = TophashMap.tophash(m.hash(chain[0]));
    // The overflow bucket's key now hashes to the other old bucket with the same tophash: when
    // the grow moves this chain, the main bucket goes first, then the key looks like one that
    // racing writers put in the wrong chain, the step fails, and the map repairs itself.
    Counting moved = chain[8];
    for (int h = 0; ; h++) {
      moved.hash = h;
      long hh = m.hash(moved);
      if (((int) hh & 1) != oldBucket && TophashMap.tophash(hh) == top) {
        break;
      }
    }
    for (int i = 0; i < 5; i++) {
      m.put(new Counting(100 + i, 1000 + i), i); // the 14th insert starts the grow
    }
    for (int i = 0; i < 8; i++) {
      assertEquals(i, m.get(chain[i]), "the main bucket's key " + i + " after the failed step");
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(i, m.get(new Counting(100 + i, 1000 + i)));
    }
    assertEquals(8, m.get(moved), "the changed key moved with its new hash");
    assertEquals(14, m.size());
    m.checkInvariants();
  }

  @Test
  void aMapThatContainsItselfPrintsAndHashesAsHashMapDoes() {
    TophashMap<Object, Object> m = new TophashMap<>();
    HashMap<Object, Object> h = new HashMap<>();
    m.put("self", m);
    h.put("self", h);
    assertEquals(h.toString(), m.toString());
    assertThrows(StackOverflowError.class, () -> h.put(h, 1), "a self key cannot be hashed");
    assertThrows(StackOverflowError.class, () -> m.put(m, 1), "a self key cannot be hashed");
    assertEquals(1, m.size());
    m.checkInvariants();
    assertThrows(StackOverflowError.class, h::hashCode);
    assertThrows(StackOverflowError.class, m::hashCode);
  }

  @Test
  void negativeCapacityAndBadLoadFactorAreRefusedAsHashMapRefusesThem() {
    assertThrows(IllegalArgumentException.class, () -> new TophashMap<>(-1));
    assertThrows(IllegalArgumentException.class, () -> new TophashMap<>(16, 0f));
    assertThrows(IllegalArgumentException.class, () -> new TophashMap<>(16, Float.NaN));
    assertThrows(IllegalArgumentException.class, () -> TophashMap.newHashMap(-1));
    assertThrows(NullPointerException.class, () -> new TophashMap<>((Map<Object, Object>) null));
    assertTrue(new TophashMap<>(Integer.MAX_VALUE).isEmpty());
  }
}
