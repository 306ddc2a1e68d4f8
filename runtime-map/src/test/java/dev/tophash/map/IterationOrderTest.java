package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same operations give the same iteration order, in this JVM and (by construction) in others. */
class IterationOrderTest {
  private static List<Integer> orderAfter(int n) {
    TophashMap<Integer, Integer> m = new TophashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(i * 7919, i);
      if (i % 5 == 0) {
        m.remove((i / 2) * 7919);
      }
    }
    return new ArrayList<>(m.keySet());
  }

  @Test
  void sameOperationsSameOrder() {
    for (int n : new int[] {5, 100, 10_000, 100_000}) {
      assertEquals(orderAfter(n), orderAfter(n), "order after " + n + " operations");
    }
  }

  @Test
  void orderIsNotInsertionOrder() {
    List<Integer> order = orderAfter(1000);
    List<Integer> sorted = new ArrayList<>(order);
    sorted.sort(null);
    assertNotEquals(sorted, order, "a hash map's order, not a sorted one");
  }
}
