package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Many distinct keys sharing one hashCode: the map must not degrade into one long chain. */
class HashFloodingTest {
  /** Distinct strings with one String.hashCode(): concatenations of "Aa" and "BB" blocks. */
  static List<String> collidingStrings(int n) {
    List<String> out = new ArrayList<>(n);
    int bits = 32 - Integer.numberOfLeadingZeros(n);
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      for (int b = 0; b < bits; b++) {
        sb.append(((i >>> b) & 1) == 0 ? "Aa" : "BB");
      }
      out.add(sb.toString());
    }
    return out;
  }

  @Test
  void collidingStringKeysSwitchTheMapToContentHashing() {
    List<String> keys = collidingStrings(50_000);
    assertEquals(1, keys.stream().mapToInt(String::hashCode).distinct().count());
    int site = MapSites.register("test.Flood", "strings", "()V", "HashFloodingTest.java", 1, "app");
    TophashMap<String, Integer> m = new TophashMap<>((Void) null, site);
    for (int i = 0; i < keys.size(); i++) {
      m.put(keys.get(i), i);
    }
    for (int i = 0; i < keys.size(); i++) {
      assertEquals(i, m.get(keys.get(i)));
    }
    assertTrue(m.hardened);
    m.checkInvariants();
    SiteSnapshot s = MapSites.snapshot(false).sites().get(site);
    assertEquals(1, s.counter(Counter.FLOODING));
    assertTrue(s.histogram(Metric.PROBE_HIT).getValueAtPercentile(99) < 64,
        "lookups stay short after the switch: p99 " + s.histogram(Metric.PROBE_HIT).getValueAtPercentile(99));
    // Removal, iteration and clone keep working in the hardened mode.
    for (int i = 0; i < keys.size(); i += 2) {
      assertEquals(i, m.remove(keys.get(i)));
    }
    assertEquals(25_000, m.size());
    @SuppressWarnings("unchecked")
    TophashMap<String, Integer> c = (TophashMap<String, Integer>) m.clone();
    assertEquals(m, c);
    c.checkInvariants();
  }

  /** A Comparable key with one shared hash code. */
  record ComparableKey(int id) implements Comparable<ComparableKey> {
    @Override
    public int hashCode() {
      return 5;
    }

    @Override
    public int compareTo(ComparableKey o) {
      return Integer.compare(id, o.id);
    }
  }

  @Test
  void collidingComparableKeysHandTheMapToHashMapsTreeBins() {
    int site = MapSites.register("test.Flood", "comparable", "()V", "HashFloodingTest.java", 2, "app");
    TophashMap<Object, Integer> m = new TophashMap<>((Void) null, site);
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      m.put(new ComparableKey(i), i);
    }
    assertTrue(m.delegating, "switched to HashMap's table");
    assertEquals(n, m.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i, m.get(new ComparableKey(i)));
    }
    m.checkInvariants();
    SiteSnapshot s = MapSites.snapshot(false).sites().get(site);
    assertEquals(1, s.counter(Counter.FLOODING));
    assertTrue(s.counter(Counter.LONG_PROBES) > 0);
    // Everything keeps working in the delegating mode.
    assertEquals(0, m.remove(new ComparableKey(0)));
    assertEquals(n - 1, m.size());
    assertEquals(n - 1, m.keySet().size());
    int seen = 0;
    for (java.util.Iterator<Object> it = m.keySet().iterator(); it.hasNext(); ) {
      it.next();
      if (++seen % 2 == 0) {
        it.remove();
      }
    }
    assertEquals(n - 1, seen);
    assertEquals((n - 1) - (n - 1) / 2, m.size());
    @SuppressWarnings("unchecked")
    TophashMap<Object, Integer> c = (TophashMap<Object, Integer>) m.clone();
    assertEquals(m, c);
    c.put("x", 1);
    assertTrue(!m.containsKey("x"));
    assertEquals(42, m.computeIfAbsent("new", k -> 42));
    m.clear();
    assertTrue(m.isEmpty());
    m.put("after", 1);
    assertEquals(1, m.get("after"));
  }

  @Test
  void aMapInHashMapsTreeBinsKeepsRecordingItsOperations() {
    int site = MapSites.register("test.Flood", "delegated", "()V", "HashFloodingTest.java", 3, "app");
    TophashMap<Object, Object> m = new TophashMap<>((Void) null, site);
    int n = 2_000;
    for (int i = 0; i < n; i++) {
      m.put(new ComparableKey(i), i);
    }
    assertTrue(m.delegating, "switched to HashMap's table");
    SiteSnapshot before = MapSites.snapshot(false).sites().get(site);
    for (int i = 0; i < n; i++) {
      m.get(new ComparableKey(i)); // n hits
    }
    m.get(new ComparableKey(-1)); // 1 miss
    m.put(new ComparableKey(0), "x"); // 1 update
    m.put(new ComparableKey(n), "y"); // 1 insert
    m.putIfAbsent(new ComparableKey(n + 1), "z"); // 1 insert
    m.remove(new ComparableKey(1)); // 1 delete
    m.remove(new ComparableKey(-2)); // 1 delete miss
    m.remove(new ComparableKey(2), "not its value"); // 1 delete miss
    m.computeIfAbsent(new ComparableKey(n + 2), k -> "w"); // 1 insert, untimed
    m.merge(new ComparableKey(3), "v", (a, b) -> null); // 1 delete, untimed
    SiteSnapshot after = MapSites.snapshot(false).sites().get(site);
    assertEquals(n + 1, after.counter(Counter.LOOKUPS) - before.counter(Counter.LOOKUPS));
    assertEquals(1, after.counter(Counter.UPDATES) - before.counter(Counter.UPDATES));
    assertEquals(3, after.counter(Counter.INSERTS) - before.counter(Counter.INSERTS));
    assertEquals(2, after.counter(Counter.DELETES) - before.counter(Counter.DELETES));
    assertEquals(2, after.counter(Counter.DELETE_MISSES) - before.counter(Counter.DELETE_MISSES));
    long timed = after.histogram(Metric.DELEGATED_NANOS).getTotalCount()
        - before.histogram(Metric.DELEGATED_NANOS).getTotalCount();
    assertEquals(n + 1 + 1 + 2 + 1 + 2, timed, "every get, put and remove is timed");
    assertEquals(before.histogram(Metric.PROBE_HIT).getTotalCount(),
        after.histogram(Metric.PROBE_HIT).getTotalCount(), "no probe lengths in this mode");
    assertEquals(n + 1, m.size());
  }

  @Test
  void collidingNonComparableKeysAreDefendedToo() {
    int site = MapSites.register("test.Flood", "objects", "()V", "HashFloodingTest.java", 3, "app");
    TophashMap<Object, Integer> m = new TophashMap<>((Void) null, site);
    for (int i = 0; i < 2_000; i++) {
      m.put(new DifferentialTest.HashedKey(i, 5), i);
    }
    for (int i = 0; i < 2_000; i++) {
      assertEquals(i, m.get(new DifferentialTest.HashedKey(i, 5)));
    }
    m.checkInvariants();
    SiteSnapshot s = MapSites.snapshot(false).sites().get(site);
    assertTrue(s.counter(Counter.LONG_PROBES) > 0);
    assertEquals(1, s.counter(Counter.FLOODING));
  }
}
