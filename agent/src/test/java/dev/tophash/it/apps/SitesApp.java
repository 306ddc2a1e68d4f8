package dev.tophash.it.apps;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** A small application with HashMap sites of every shape; prints the same with or without the agent. */
public class SitesApp {
  static final Map<String, Integer> REGISTRY = new HashMap<>(); // SITE:static

  public static void main(String[] args) {
    Map<String, Integer> counts = new HashMap<>(); // SITE:counts
    for (String w : "the quick brown fox jumps over the lazy dog the end".split(" ")) {
      counts.merge(w, 1, Integer::sum);
    }
    SiteProbe.record("counts", counts);
    Map<String, Integer> sized = new HashMap<>(64, 0.75f); // SITE:sized
    for (int i = 0; i < 1000; i++) {
      sized.put("k" + i, i);
    }
    for (int i = 0; i < 1000; i += 2) {
      sized.remove("k" + i);
    }
    SiteProbe.record("sized", sized);
    Map<String, Integer> copy = new HashMap<>(counts); // SITE:copy
    SiteProbe.record("copy", copy);
    Supplier<Map<String, Integer>> factory = HashMap::new; // SITE:factory
    Map<String, Integer> made = factory.get();
    made.put("made", 1);
    SiteProbe.record("factory", made);
    Map<String, Integer> linked = new LinkedHashMap<>(new TreeMap<>(counts));
    SiteProbe.record("linked", linked);
    REGISTRY.put("x", 1);
    SiteProbe.record("static", REGISTRY);

    System.out.println("counts " + new TreeMap<>(counts));
    System.out.println("sized " + sized.size() + " " + sized.get("k999") + " " + sized.get("k998"));
    System.out.println("copy equals " + copy.equals(counts) + " hash " + (copy.hashCode() == counts.hashCode()));
    System.out.println("made " + made);
    System.out.println("linked " + linked.keySet());
    System.out.println("registry " + REGISTRY);
    int code = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    System.exit(code);
  }
}
