package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Several threads write, delete and iterate one unsynchronized map while it grows: misuse, as in
 * applications that share a HashMap without locks. The map must not hang, must throw nothing
 * HashMap would not (only ConcurrentModificationException from iterators and race detection),
 * and must be usable single-threaded afterwards.
 */
class RacyUseTest {
  private static final int OPS_PER_THREAD = 150_000;

  @RepeatedTest(3)
  void sharedMapSurvivesRacingWritersAndIterators() throws Exception {
    TophashMap<Integer, Integer> m = new TophashMap<>();
    Map<String, Throwable> unexpected = new ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      Thread w = new Thread(() -> {
        int base = id * 10_000_000;
        for (int i = 0; i < OPS_PER_THREAD; i++) {
          try {
            int k = base + i;
            switch (i % 8) {
              case 0, 1, 2, 3 -> m.put(k, i);
              case 4 -> m.remove(k - 3);
              case 5 -> m.get(k - 1);
              case 6 -> m.containsKey(i);
              default -> {
                if (id == 0 && (i & 1023) == 7) {
                  int n = 0;
                  for (Iterator<Map.Entry<Integer, Integer>> it = m.entrySet().iterator(); it.hasNext() && n < 5_000; n++) {
                    it.next();
                  }
                }
              }
            }
          } catch (ConcurrentModificationException expected) {
            // HashMap's iterators throw this too
          } catch (Throwable e) {
            unexpected.putIfAbsent(e.getClass().getName(), e);
          }
        }
      });
      threads.add(w);
      w.start();
    }
    for (Thread w : threads) {
      w.join(120_000);
      assertTrue(!w.isAlive(), "a thread hung on the shared map");
    }
    assertTrue(unexpected.isEmpty(), "unexpected exceptions: " + unexpected);
    // Later single-threaded use works.
    for (int i = -1; i > -20_000; i--) {
      m.put(i, i);
    }
    for (int i = -1; i > -20_000; i--) {
      assertEquals(i, m.get(i));
    }
    int n = 0;
    for (Integer k : m.keySet()) {
      n++;
    }
    assertTrue(n >= 19_999);
    for (int i = -1; i > -20_000; i--) {
      assertEquals(i, m.remove(i));
    }
  }
}
