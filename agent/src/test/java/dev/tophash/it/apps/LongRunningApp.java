package dev.tophash.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A target for attach: allocates one map before anything is attached, then obeys stdin:
 * {@code alloc} allocates a map and prints its class, {@code early} prints the early map's class,
 * {@code quit} exits.
 */
public class LongRunningApp {
  static Map<String, Integer> allocate(int n) {
    Map<String, Integer> m = new HashMap<>(); // SITE:alloc
    for (int i = 0; i < n; i++) {
      m.put("k" + i, i);
    }
    return m;
  }

  public static void main(String[] args) throws Exception {
    Map<String, Integer> early = allocate(10);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.out.println("ready");
    for (String line; (line = in.readLine()) != null; ) {
      switch (line.trim()) {
        case "alloc":
          Map<String, Integer> m = allocate(1000);
          System.out.println("alloc " + m.getClass().getName() + " " + m.size());
          break;
        case "early":
          System.out.println("early " + early.getClass().getName() + " " + early.size());
          break;
        case "quit":
          System.out.println("bye");
          return;
        default:
          System.out.println("unknown " + line);
      }
    }
  }
}
