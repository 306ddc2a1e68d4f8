package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Long seeded random sequences of every operation, run in lock-step against java.util.HashMap:
 * every return value and the final contents must agree, and the invariants must hold throughout.
 */
class DifferentialTest {
  /** Operations per sequence. */
  private static final int OPS = 60_000;

  /** A key whose hash code is the given value: collisions on demand. */
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

  /** Key universes: each maps an index to a key, some with heavy collisions. */
  static List<Object[]> universes() {
    List<Object[]> u = new ArrayList<>();
    long[] seeds = {1, 2, 3};
    for (boolean recording : new boolean[] {true, false}) {
      for (long seed : seeds) {
        u.add(new Object[] {"integers", seed, recording, 3_000,
            (IntFunction<Object>) i -> i == 0 ? null : i});
        u.add(new Object[] {"strings", seed, recording, 2_000, (IntFunction<Object>) i -> "k" + i});
        u.add(new Object[] {"constantHash", seed, recording, 300,
            (IntFunction<Object>) i -> new HashedKey(i, 42)});
        u.add(new Object[] {"highBitsOnly", seed, recording, 2_000,
            (IntFunction<Object>) i -> new HashedKey(i, i << 20)});
        u.add(new Object[] {"fewHashes", seed, recording, 3_000,
            (IntFunction<Object>) i -> new HashedKey(i, i % 64)});
        u.add(new Object[] {"floats", seed, recording, 2_000,
            (IntFunction<Object>) i -> i == 1 ? Float.NaN : i == 2 ? -0.0f : (float) i / 4});
      }
    }
    return u;
  }

  /**
   * Recording on and off: a map that does not record ({@code rec == null}, as a map that map
   * sampling skips) takes fast paths of its own, which must agree with HashMap too.
   */
  @ParameterizedTest(name = "{0} seed {1} recording {2}")
  @MethodSource("universes")
  void lockStepWithHashMap(String name, long seed, boolean recording, int universe,
      IntFunction<Object> keys) {
    Random rnd = new Random(seed * 31 + name.hashCode());
    HashMap<Object, Object> ref = new HashMap<>();
    TophashMap<Object, Object> map;
    Recording.configure(recording, 1, 1, false);
    try {
      map = new TophashMap<>(rnd.nextInt(3) == 0 ? rnd.nextInt(100) : 0);
    } finally {
      Recording.configure(true, 1, 1, false); // the default, which the other tests expect
    }
    assertEquals(recording, map.rec != null, "the map records as configured");
    int phaseLength = 5_000;
    for (int op = 0; op < OPS; op++) {
      // Phases bias towards growth, then churn, then shrinking, so grows happen mid-sequence.
      int phase = (op / phaseLength) % 3;
      Object k = keys.apply(rnd.nextInt(universe));
      Object v = rnd.nextInt(10) == 0 ? null : rnd.nextInt(50);
      String what = "op " + op + " seed " + seed + " " + name;
      int choice = rnd.nextInt(phase == 0 ? 22 : 26);
      if (phase == 2 && choice >= 22) {
        choice = 4; // more removes
      }
      try {
        switch (choice) {
          case 0, 1, 2 -> assertEquals(ref.put(k, v), map.put(k, v), what + " put");
          case 3 -> assertEquals(ref.get(k), map.get(k), what + " get");
          case 4, 5 -> assertEquals(ref.remove(k), map.remove(k), what + " remove");
          case 6 -> assertEquals(ref.containsKey(k), map.containsKey(k), what + " containsKey");
          case 7 -> assertEquals(ref.putIfAbsent(k, v), map.putIfAbsent(k, v), what + " putIfAbsent");
          case 8 -> assertEquals(ref.replace(k, v), map.replace(k, v), what + " replace");
          case 9 -> {
            Object o = rnd.nextInt(50);
            assertEquals(ref.replace(k, o, v), map.replace(k, o, v), what + " replace3");
          }
          case 10 -> {
            Object o = rnd.nextInt(50);
            assertEquals(ref.remove(k, o), map.remove(k, o), what + " remove2");
          }
          case 11 -> assertEquals(ref.computeIfAbsent(k, x -> v), map.computeIfAbsent(k, x -> v),
              what + " computeIfAbsent");
          case 12 -> assertEquals(ref.computeIfPresent(k, (x, y) -> v),
              map.computeIfPresent(k, (x, y) -> v), what + " computeIfPresent");
          case 13 -> assertEquals(ref.compute(k, (x, y) -> y == null ? v : null),
              map.compute(k, (x, y) -> y == null ? v : null), what + " compute");
          case 14 -> {
            Object val = v == null ? 7 : v;
            assertEquals(ref.merge(k, val, (a, b) -> Objects.equals(a, b) ? null : b),
                map.merge(k, val, (a, b) -> Objects.equals(a, b) ? null : b), what + " merge");
          }
          case 15 -> assertEquals(ref.getOrDefault(k, "d"), map.getOrDefault(k, "d"), what + " getOrDefault");
          case 16 -> assertEquals(ref.keySet().remove(k), map.keySet().remove(k), what + " keySet.remove");
          case 17 -> {
            Map.Entry<Object, Object> e = Map.entry(k == null ? "n" : k, v == null ? 0 : v);
            assertEquals(ref.entrySet().contains(e), map.entrySet().contains(e), what + " entrySet.contains");
            assertEquals(ref.entrySet().remove(e), map.entrySet().remove(e), what + " entrySet.remove");
          }
          case 18 -> iterateAndMutate(ref, map, rnd, what);
          case 19 -> {
            if (rnd.nextInt(20) == 0) {
              assertEquals(ref.containsValue(v), map.containsValue(v), what + " containsValue");
            }
            assertEquals(ref.size(), map.size(), what + " size");
            assertEquals(ref.isEmpty(), map.isEmpty(), what + " isEmpty");
          }
          case 20 -> {
            if (rnd.nextInt(30) == 0) {
              Map<Object, Object> more = new HashMap<>();
              for (int i = 0; i < rnd.nextInt(40); i++) {
                more.put(keys.apply(rnd.nextInt(universe)), i);
              }
              ref.putAll(more);
              map.putAll(more);
            }
          }
          case 21 -> {
            if (rnd.nextInt(200) == 0) {
              @SuppressWarnings("unchecked")
              TophashMap<Object, Object> c = (TophashMap<Object, Object>) map.clone();
              c.checkInvariants();
              assertEquals(ref, c, what + " clone");
              c.put("only-in-clone", 1);
              assertTrue(!map.containsKey("only-in-clone"), what + " clone is independent");
            }
            if (rnd.nextInt(2_000) == 0) {
              ref.clear();
              map.clear();
            }
          }
          default -> {
            if (rnd.nextInt(20) == 0) {
              ref.replaceAll((a, b) -> b == null ? 1 : b);
              map.replaceAll((a, b) -> b == null ? 1 : b);
            } else {
              assertEquals(ref.put(k, v), map.put(k, v), what + " put");
            }
          }
        }
      } catch (AssertionError e) {
        throw e;
      } catch (RuntimeException e) {
        fail(what + " threw " + e, e);
      }
      if (op % 997 == 0) {
        map.checkInvariants();
        assertEquals(ref, map, what + " contents");
      }
    }
    map.checkInvariants();
    assertEquals(ref, map);
    assertEquals(map, ref);
    assertEquals(ref.hashCode(), map.hashCode());
    assertEquals(ref.keySet(), map.keySet());
    assertEquals(new ArrayList<>(sortedByString(ref.values())), new ArrayList<>(sortedByString(map.values())));
    HashMap<Object, Object> fromForEach = new HashMap<>();
    map.forEach(fromForEach::put);
    assertEquals(ref, fromForEach);
  }

  private static List<Object> sortedByString(java.util.Collection<Object> c) {
    List<Object> l = new ArrayList<>(c);
    l.sort((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
    return l;
  }

  /** Iterates the entries, removing some through the iterator and updating others. */
  private static void iterateAndMutate(HashMap<Object, Object> ref, TophashMap<Object, Object> map,
      Random rnd, String what) {
    int seen = 0;
    HashMap<Object, Object> visited = new HashMap<>();
    for (Iterator<Map.Entry<Object, Object>> it = map.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Object, Object> e = it.next();
      assertTrue(!visited.containsKey(e.getKey()), what + " returned twice: " + e.getKey());
      visited.put(e.getKey(), e.getValue());
      assertEquals(ref.get(e.getKey()), e.getValue(), what + " iterated value of " + e.getKey());
      seen++;
      int r = rnd.nextInt(10);
      if (r == 0) {
        it.remove();
        ref.remove(e.getKey());
      } else if (r == 1) {
        e.setValue("set" + seen);
        ref.put(e.getKey(), "set" + seen);
      } else if (r == 2 && ref.containsKey(e.getKey())) {
        // An update of an existing key is not a structural change: iteration goes on.
        map.put(e.getKey(), "upd" + seen);
        ref.put(e.getKey(), "upd" + seen);
      }
    }
    assertEquals(visited.size(), seen, what + " an entry was returned twice");
    assertEquals(ref.size() + countRemoved(visited, ref), seen, what + " iteration count");
  }

  private static int countRemoved(Map<Object, Object> visited, Map<Object, Object> ref) {
    int n = 0;
    for (Object k : visited.keySet()) {
      if (!ref.containsKey(k)) {
        n++;
      }
    }
    return n;
  }
}
