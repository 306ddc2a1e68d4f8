package dev.tophash.it.apps;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Allocates no HashMap of its own; its only maps are the JDK's, inside {@code HashSet} and
 * {@code Collectors.groupingBy}, which the agent leaves alone unless {@code jdk=true}.
 */
public final class QuietApp {
  private QuietApp() {}

  public static void main(String[] args) {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 50_000; i++) {
      seen.add(i * 7 % 10_007);
    }
    var groups = IntStream.range(0, 10_000).boxed()
        .collect(Collectors.groupingBy(i -> i % 10, Collectors.counting()));
    System.out.println("seen " + seen.size() + " groups " + new TreeMap<>(groups));
  }
}
