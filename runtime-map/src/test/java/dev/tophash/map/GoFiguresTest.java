package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reproduces the figures measured from a real Go runtime (testdata/go, copied to test resources). */
class GoFiguresTest {
  private static final int GROWTH_INSERTS = 2_000_000;

  /** One grow as observed from outside: where it started and how it went. */
  record Grow(int startN, int bBefore, int bAfter, boolean sameSize, int oldBuckets, int writes,
      int firstWriteEvacuated, int[] evacHistogram) {}

  /** Inserts keys 1..n and watches every grow. */
  static List<Grow> growthOf(int n) {
    TophashMap<Integer, Integer> m = new TophashMap<>();
    List<Grow> grows = new ArrayList<>();
    Shape prev = m.shape();
    int startN = 0;
    int bBefore = 0;
    int writes = 0;
    int firstEvac = 0;
    int[] evacHist = new int[4];
    boolean inGrow = false;
    for (int i = 1; i <= n; i++) {
      m.put(i, i);
      Shape s = m.shape();
      boolean started = s.b() != prev.b() || (s.growing() && !prev.growing());
      if (started) {
        if (inGrow) {
          throw new AssertionError("a grow started while one was in progress at n=" + i);
        }
        startN = i;
        bBefore = prev.b();
        writes = 0;
        evacHist = new int[4];
        inGrow = true;
        firstEvac = s.growing() ? s.evacuated() : -1;
      }
      if (inGrow) {
        writes++;
        int ev = s.growing() ? s.evacuated() - (started ? 0 : prev.evacuated()) : -1;
        if (ev >= 0) {
          evacHist[Math.min(ev, 3)]++;
        }
        if (!s.growing()) {
          grows.add(new Grow(startN, bBefore, s.b(), s.b() == bBefore, prev.growing() ? prev.oldBuckets()
              : (1 << bBefore), writes, firstEvac, evacHist));
          inGrow = false;
        }
      }
      prev = s;
    }
    return grows;
  }

  @Test
  void growthScheduleMatchesGoExactly() {
    List<Grow> grows = growthOf(GROWTH_INSERTS);
    List<Map<String, String>> go = GoData.rows("growth.tsv");
    assertEquals(go.size(), grows.size(), "number of grows up to 2,000,000 inserts");
    for (int i = 0; i < go.size(); i++) {
      Map<String, String> row = go.get(i);
      Grow g = grows.get(i);
      assertEquals(Integer.parseInt(row.get("start_n")), g.startN(), "start of grow " + i);
      assertEquals(Integer.parseInt(row.get("B_before")), g.bBefore(), "B before grow " + i);
      assertEquals(Integer.parseInt(row.get("B_after")), g.bAfter(), "B after grow " + i);
      assertEquals("double", row.get("kind"));
      assertFalse(g.sameSize(), "pure insertion never grows same-size");
    }
  }

  @Test
  void everyWriteOfAGrowEvacuatesOneOrTwoBucketsAndTheTriggerTwo() {
    for (Grow g : growthOf(300_000)) {
      if (g.bBefore() <= 1) {
        // One or two old buckets: the triggering write's two evacuations finish the grow.
        assertEquals(1, g.writes(), "B " + g.bBefore() + " grow finishes in the triggering write");
        continue;
      }
      assertEquals(2, g.firstWriteEvacuated(), "the triggering insert evacuates 2 at B " + g.bBefore());
      assertEquals(0, g.evacHistogram()[0], "no write evacuates 0 buckets");
      assertEquals(0, g.evacHistogram()[3], "no write evacuates 3 or more");
      // Go: 2 writes at B 2, 5 at B 3, then about 0.67-0.71 x old buckets for B >= 10.
      if (g.bBefore() >= 10) {
        double ratio = (double) g.writes() / (1 << g.bBefore());
        assertTrue(ratio > 0.62 && ratio < 0.76,
            "writes to finish / old buckets at B " + g.bBefore() + " = " + ratio);
      }
    }
  }

  @Test
  void hintSizingMatchesGoExactly() {
    for (Map<String, String> row : GoData.rows("hint_b.tsv")) {
      int hint = Integer.parseInt(row.get("hint"));
      int b = Integer.parseInt(row.get("B"));
      TophashMap<Integer, Integer> m = new TophashMap<>(hint);
      assertEquals(b, m.shape().b(), "B for hint " + hint);
      assertEquals(b, TophashMap.newHashMap(hint).shape().b(), "newHashMap(" + hint + ")");
    }
  }

  @Test
  void preallocatedOverflowBucketsFollowGo() {
    for (Map<String, String> row : GoData.rows("prealloc_overflow.tsv")) {
      int b = Integer.parseInt(row.get("B"));
      int expected = Integer.parseInt(row.get("expected_min_2^(B-4)"));
      int goSpares = Integer.parseInt(row.get("preallocated_overflow_buckets"));
      Shape s = new TophashMap<Integer, Integer>(b == 0 ? 0 : 13 << (b - 1)).shape();
      assertEquals(b, s.b());
      // Go rounds the allocation up to a size class; without size classes we keep Go's 2^(B-4),
      // which is what Go gets exactly from B = 13 on.
      assertEquals(expected, s.preallocatedOverflow(), "spares at B " + b);
      if (b >= 13) {
        assertEquals(goSpares, s.preallocatedOverflow(), "Go's exact spares at B " + b);
      }
    }
  }

  @Test
  void tombstoneVectorsOfASingleBucket() {
    TophashMap<Integer, Integer> m = new TophashMap<>();
    for (int k = 100; k <= 107; k++) {
      m.put(k, k);
    }
    assertEquals("FFFFFFFF", m.chainStates(0));
    int[] deletes = {3, 7, 6, 4, 5};
    String[] expect = {"FFFEFFFF", "FFFEFFFR", "FFFEFFRR", "FFFEEFRR", "FFFRRRRR"};
    for (int i = 0; i < deletes.length; i++) {
      m.remove(100 + deletes[i]);
      assertEquals(expect[i], m.chainStates(0), "after deleting slot " + deletes[i]);
      m.checkInvariants();
    }
    m.put(200, 200);
    assertEquals("FFFFRRRR", m.chainStates(0), "a new key lands in the first empty slot");
    m.remove(100);
    assertEquals("EFFFRRRR", m.chainStates(0));
    m.put(201, 201);
    assertEquals("FFFFRRRR", m.chainStates(0));
    assertEquals(0, m.shape().noverflow());
    m.checkInvariants();
    List<Map<String, String>> go = GoData.rows("tophash_demo.tsv");
    assertEquals("FFFFRRRR", go.get(8).get("chain_slot_states"));
  }

  @Test
  void tombstoneVectorsAcrossAnOverflowBucket() {
    TophashMap<Integer, Integer> m = new TophashMap<>(14); // B = 2
    assertEquals(2, m.shape().b());
    List<Integer> keys = new ArrayList<>();
    for (int k = 0; keys.size() < 11; k++) {
      if (m.bucketOf(k) == 0) {
        keys.add(k);
      }
    }
    for (int k : keys) {
      m.put(k, k);
    }
    List<Map<String, String>> go = new ArrayList<>();
    for (Map<String, String> row : GoData.rows("tophash_demo.tsv")) {
      if (row.get("scenario").startsWith("B2")) {
        go.add(row);
      }
    }
    assertEquals(go.get(0).get("chain_slot_states"), m.chainStates(0));
    int[] deletes = {7, 10, 8, 9}; // main 7, overflow 2, overflow 0, overflow 1
    for (int i = 0; i < deletes.length; i++) {
      m.remove(keys.get(deletes[i]));
      assertEquals(go.get(i + 1).get("chain_slot_states"), m.chainStates(0), go.get(i + 1).get("action"));
      assertEquals(Integer.parseInt(go.get(i + 1).get("count")), m.size());
      assertEquals(1, m.shape().noverflow());
      m.checkInvariants();
    }
    int k = keys.get(10) + 1;
    while (m.bucketOf(k) != 0) {
      k++;
    }
    m.put(k, k);
    assertEquals("FFFFFFFF -> RRRRRRRR", m.chainStates(0), "lands in main slot 7; the overflow stays");
    assertEquals(1, m.shape().noverflow());
  }

  @Test
  void churnSameSizeGrowsWithinGoRange() {
    // Go: live 1,000 -> 21-22 same-size grows in 2M steps; live 10,000 -> 6 in every run.
    assertChurn(1_000, 17, 26);
    assertChurn(10_000, 5, 7);
  }

  private static void assertChurn(int live, int min, int max) {
    TophashMap<Integer, Integer> m = new TophashMap<>();
    for (int i = 0; i < live; i++) {
      m.put(i, i);
    }
    int b = m.shape().b();
    int sameSize = 0;
    boolean growing = m.shape().growing();
    int maxOverflow = 0;
    for (int s = 0; s < 2_000_000; s++) {
      int before = m.shape().noverflow();
      boolean wasGrowing = m.shape().growing();
      m.put(live + s, s);
      Shape after = m.shape();
      if (after.growing() && !wasGrowing) {
        assertTrue(after.sameSizeGrow(), "churn never doubles");
        assertEquals(1 << b, before, "a same-size grow starts when noverflow reaches 2^B");
        sameSize++;
      }
      maxOverflow = Math.max(maxOverflow, before);
      m.remove(s);
    }
    assertEquals(b, m.shape().b(), "B stays constant under churn");
    assertTrue(maxOverflow <= 1 << b, "noverflow never exceeds 2^B");
    assertTrue(sameSize >= min && sameSize <= max,
        "same-size grows at live " + live + ": " + sameSize + " (Go range " + min + ".." + max + ")");
    m.checkInvariants();
  }

  @Test
  void behavioursMeasuredFromGo() {
    TophashMap<Integer, Integer> m = new TophashMap<>();
    for (int i = 1; i <= 6656; i++) {
      m.put(i, i);
    }
    assertEquals(10, m.shape().b());
    assertFalse(m.shape().growing());
    m.put(6657, 6657);
    Shape s = m.shape();
    assertEquals(11, s.b());
    assertTrue(s.growing());
    assertEquals(1024, s.oldBuckets());
    assertEquals(2, s.evacuated());
    assertEquals(1, s.nevacuate());
    for (int i = 1; i <= 5000; i++) {
      assertEquals(i, m.get(i));
    }
    assertEquals(2, m.shape().evacuated(), "lookups never move data");
    int n = 0;
    for (Map.Entry<Integer, Integer> e : m.entrySet()) {
      n++;
    }
    assertEquals(6657, n);
    assertEquals(2, m.shape().evacuated(), "iteration never moves data");
    m.remove(-1);
    assertEquals(4, m.shape().evacuated(), "a delete of a missing key does grow work");
    assertEquals(2, m.shape().nevacuate());
    m.put(1, 1);
    assertEquals(6, m.shape().evacuated(), "an update does grow work");
    assertEquals(3, m.shape().nevacuate());
    m.checkInvariants();

    TophashMap<Integer, Integer> big = new TophashMap<>();
    for (int i = 0; i < 1_000_000; i++) {
      big.put(i, i);
    }
    assertEquals(18, big.shape().b());
    long seed = big.shape().seed();
    for (int i = 0; i < 999_999; i++) {
      big.remove(i);
    }
    assertEquals(seed, big.shape().seed(), "no reseed before count reaches 0");
    big.remove(999_999);
    assertEquals(18, big.shape().b(), "no shrinking");
    assertNotEquals(seed, big.shape().seed(), "reseed when the last key is deleted");
    for (int i = 0; i < 10; i++) {
      big.put(i, i);
    }
    seed = big.shape().seed();
    big.clear();
    assertEquals(18, big.shape().b(), "clear keeps B");
    assertEquals(0, big.shape().noverflow());
    assertNotEquals(seed, big.shape().seed(), "clear reseeds");
    big.checkInvariants();
  }

  @Test
  void theNinthKeyFinishesTheFirstGrowInOneWrite() {
    TophashMap<Integer, Integer> m = new TophashMap<>();
    for (int i = 0; i < 8; i++) {
      m.put(i, i);
    }
    assertEquals(0, m.shape().b());
    m.put(8, 8);
    assertEquals(1, m.shape().b());
    assertFalse(m.shape().growing());
    m.checkInvariants();
  }

  @Test
  void clearDuringAGrowEndsIt() {
    TophashMap<Integer, Integer> m = new TophashMap<>();
    for (int i = 1; i <= 6657; i++) {
      m.put(i, i);
    }
    assertTrue(m.shape().growing());
    m.clear();
    assertEquals(11, m.shape().b());
    assertFalse(m.shape().growing());
    m.checkInvariants();
  }
}
