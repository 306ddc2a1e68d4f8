package dev.tophash.it.apps;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Maps the JDK allocates for the application: Collectors.toMap and groupingBy. */
public class JdkMapsApp {
  public static void main(String[] args) {
    Map<Integer, String> byLength = Stream.of("a", "bb", "ccc")
        .collect(Collectors.toMap(String::length, s -> s));
    Map<Integer, List<String>> groups = Stream.of("a", "bb", "cc")
        .collect(Collectors.groupingBy(String::length));
    SiteProbe.record("toMap", byLength);
    SiteProbe.record("groupingBy", groups);
    System.out.println(new TreeMap<>(byLength) + " " + new TreeMap<>(groups));
  }
}
