package dev.tophash.it.apps;

import java.util.HashMap;
import java.util.Map;

/** A few seconds' worth of ordinary map work for the fixture mains, with an order-independent result. */
final class Workload {
  private Workload() {}

  /** Builds {@code rounds} maps of {@code size} entries, reads them back, and returns a checksum. */
  static long run(int rounds, int size) {
    long checksum = 0;
    for (int r = 0; r < rounds; r++) {
      Map<String, Integer> m = new HashMap<>(); // site:workload
      for (int i = 0; i < size; i++) {
        m.put("key-" + r + "-" + i, i);
      }
      for (int i = 0; i < size; i += 3) {
        m.remove("key-" + r + "-" + i);
      }
      for (int i = 0; i < size; i++) {
        Integer v = m.get("key-" + r + "-" + i);
        checksum = checksum * 31 + (v == null ? -1 : v);
      }
    }
    return checksum;
  }
}
