package dev.tophash.it.zoo;

import java.util.HashMap;
import java.util.Map;

/**
 * A plugin class the class loader zoo loads from a directory that is not on the application's
 * class path. The integration tests compile it at test time.
 */
public final class ZooPlugin {
  private ZooPlugin() {}

  /** Builds a map of {@code n} entries; returns its class name, its size and a checksum. */
  public static String run(int n) {
    Map<Integer, String> table = new HashMap<>(); // site:plugin
    for (int i = 0; i < n; i++) {
      table.put(i, Integer.toString(i * 13));
    }
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += table.get(i).length();
    }
    return table.getClass().getName() + " " + table.size() + " " + sum + " "
        + ZooPlugin.class.getClassLoader().getName();
  }
}
