package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * A differential fuzzer: jqwik generates operation sequences over adversarial keys (one shared
 * hash code, hash codes differing only in high bits, nulls, NaN, equal-but-not-identical
 * strings) and shrinks any sequence on which TophashMap and HashMap disagree. The budget is fixed
 * (tries per property) so that CI runs the same amount of fuzzing every time.
 */
class MapFuzzTest {

  /** One operation on a key index and a value. */
  record Op(int kind, int key, Integer value) {}

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Op> op = Combinators.combine(
        Arbitraries.integers().between(0, 11),
        Arbitraries.integers().between(0, 400),
        Arbitraries.integers().between(0, 20).injectNull(0.1))
        .as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(3_000);
  }

  static Object key(int family, int i) {
    return switch (family) {
      case 0 -> i == 0 ? null : i;
      case 1 -> new DifferentialTest.HashedKey(i, 7);
      case 2 -> new DifferentialTest.HashedKey(i, i << 24);
      case 3 -> i == 1 ? Double.NaN : (double) (i - 200) / 8;
      default -> new String("s" + (i % 97)) + (i / 97);
    };
  }

  @Property(tries = 250, shrinking = ShrinkingMode.BOUNDED, seed = "20261122")
  void behavesAsHashMap(@ForAll("operations") List<Op> ops,
      @ForAll("families") int family) {
    HashMap<Object, Object> ref = new HashMap<>();
    TophashMap<Object, Object> map = new TophashMap<>();
    for (Op op : ops) {
      Object k = key(family, op.key());
      Integer v = op.value();
      switch (op.kind()) {
        case 0, 1, 2 -> assertEquals(ref.put(k, v), map.put(k, v));
        case 3 -> assertEquals(ref.remove(k), map.remove(k));
        case 4 -> assertEquals(ref.get(k), map.get(k));
        case 5 -> assertEquals(ref.putIfAbsent(k, v), map.putIfAbsent(k, v));
        case 6 -> assertEquals(ref.merge(k, 1, (a, b) -> Objects.equals(a, 3) ? null : 3),
            map.merge(k, 1, (a, b) -> Objects.equals(a, 3) ? null : 3));
        case 7 -> assertEquals(ref.compute(k, (a, b) -> b == null ? v : null),
            map.compute(k, (a, b) -> b == null ? v : null));
        case 8 -> {
          Iterator<Map.Entry<Object, Object>> it = map.entrySet().iterator();
          for (int n = 0; it.hasNext() && n < op.key(); n++) {
            Map.Entry<Object, Object> e = it.next();
            if ((n & 3) == 0) {
              it.remove();
              ref.remove(e.getKey());
            }
          }
        }
        case 9 -> {
          if (op.key() == 0) {
            ref.clear();
            map.clear();
          }
        }
        case 10 -> assertEquals(ref.containsKey(k), map.containsKey(k));
        default -> assertEquals(ref.replace(k, v), map.replace(k, v));
      }
    }
    map.checkInvariants();
    assertEquals(ref, map);
    assertEquals(ref.size(), map.size());
  }

  @Provide
  Arbitrary<Integer> families() {
    return Arbitraries.integers().between(0, 4);
  }
}
