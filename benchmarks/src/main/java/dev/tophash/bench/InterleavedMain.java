package dev.tophash.bench;

import dev.tophash.map.MapSites;
import dev.tophash.map.Recording;
import dev.tophash.map.TophashMap;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Times HashMap and TophashMap alternately in one JVM, round after round, and prints the median
 * ratio: on a shared machine whose speed drifts by tens of percent between JMH forks, both maps
 * see the same conditions within a round, so small differences between two builds of the map
 * show up where JMH's error bars hide them. A complement to the JMH benchmarks, not a
 * replacement (no forks, no blackholes: each loop's result goes to a static field). Each loop is
 * written twice, once per map class, on purpose: each call site then sees one receiver class, as
 * in an application, instead of a shared loop whose calls the JIT would see as polymorphic.
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar dev.tophash.bench.InterleavedMain OP SIZE [KEYS] [off|full|untracked] [ROUNDS]
 * </pre>
 *
 * <ul>
 *   <li>{@code hit}, {@code miss}: {@code get} on a filled map of SIZE keys, ns per lookup;
 *   <li>{@code replace}: {@code put} of a present key, the value alternating between two objects,
 *       ns per put;
 *   <li>{@code merge}: {@code merge} into a present key, the function returning the new value,
 *       ns per merge;
 *   <li>{@code churn}: remove the oldest key, insert a new one (the keys slide through 2 × SIZE),
 *       ns per remove + put;
 *   <li>{@code iterate}: passes over the entries of a filled map, ns per entry;
 *   <li>{@code grow}: maps of SIZE keys built from empty, ns per put;
 *   <li>{@code presized}: maps of SIZE keys built into a map constructed with HashMap's capacity
 *       for SIZE entries (as {@link MapType#hashMapCapacity} computes it; TophashMap takes the
 *       same constructor argument), ns per put;
 *   <li>{@code small}: maps of SIZE keys built from empty, then each key read, ns per map.
 * </ul>
 *
 * KEYS is a {@link KeyType} (default {@code STRING}); {@code full} records every operation of a
 * registered site, {@code off} (the default) records nothing, {@code untracked} is a map that a
 * {@code maps=N} run does not track (HashMap's own algorithm behind TophashMap's methods); ROUNDS defaults to 21, after 8
 * warm-up rounds.
 *
 * <p>With {@code -Dcollect=true}, a full collection runs after the maps are built, so that both
 * are in the old generation, as a long-lived map in an application is. Without it, a loop that
 * allocates nothing (replace, merge) never collects: HashMap's nodes stay in the young
 * generation, whose stores G1's write barrier skips, while a large TophashMap's arrays are
 * allocated old (G1 allocates humongous objects there) and every reference store into them
 * pays the barrier.
 */
public final class InterleavedMain {
  /** Where each loop's result goes, so that the JIT cannot drop the loop. */
  static Object sink;
  private static final int WORK = 2_000_000;

  private final String op;
  private final int size;
  private final Object[] present;
  private final Object[] hits;
  private final Object[] misses;
  private final Object[] ring;
  private final int site;
  private final boolean untracked;
  private final HashMap<Object, Object> hashMap = new HashMap<>();
  private final TophashMap<Object, Object> tophashMap;
  /** The churn's oldest key and next new key in {@link #ring}, per map. */
  private int hashHead;
  private int tophashHead;
  private int hashTail;
  private int tophashTail;

  private InterleavedMain(String op, int size, KeyType keys, boolean record, boolean untracked) {
    this.untracked = untracked;
    this.op = op;
    this.size = size;
    KeyType.KeySet ks = keys.generate(size, 0x7091A5L);
    present = ks.present;
    hits = ks.hits;
    misses = ks.misses;
    ring = new Object[2 * size];
    System.arraycopy(ks.present, 0, ring, 0, size);
    System.arraycopy(ks.absent, 0, ring, size, size);
    Recording.configure(record, 1, 1, false);
    site = record ? MapSites.register("bench.Interleaved", op, "()V", "InterleavedMain.java", 1, "app")
        : MapSites.UNATTRIBUTED;
    hashTail = size;
    tophashTail = size;
    tophashMap = newTophash();
    for (Object k : present) {
      hashMap.put(k, k);
      tophashMap.put(k, k);
    }
  }

  @SuppressWarnings("unchecked")
  private TophashMap<Object, Object> newTophash() {
    if (untracked) {
      return (TophashMap<Object, Object>) (Object) MapType.TOPHASH_UNTRACKED.create();
    }
    return site == MapSites.UNATTRIBUTED ? new TophashMap<>() : new TophashMap<>((Void) null, site);
  }

  /** {@link #newTophash} presized as {@link MapType#create(int)} presizes for SIZE entries. */
  private TophashMap<Object, Object> newPresizedTophash() {
    if (untracked) {
      return (TophashMap<Object, Object>) (Object) MapType.TOPHASH_UNTRACKED.create(size);
    }
    int capacity = MapType.hashMapCapacity(size);
    return site == MapSites.UNATTRIBUTED ? new TophashMap<>(capacity)
        : new TophashMap<>(capacity, site);
  }

  /** One round: HashMap's and TophashMap's ns per unit of work. */
  private double[] round() {
    switch (op) {
      case "hit":
      case "miss": {
        Object[] keys = op.equals("hit") ? hits : misses;
        return new double[] {getHash(keys) / (double) WORK, getTophash(keys) / (double) WORK};
      }
      case "replace":
        return new double[] {replaceHash() / (double) WORK, replaceTophash() / (double) WORK};
      case "merge":
        return new double[] {mergeHash() / (double) WORK, mergeTophash() / (double) WORK};
      case "churn":
        return new double[] {churnHash() / (double) WORK, churnTophash() / (double) WORK};
      case "iterate": {
        int passes = Math.max(1, WORK / size);
        return new double[] {iterateHash(passes) / (double) (passes * size),
            iterateTophash(passes) / (double) (passes * size)};
      }
      case "grow": {
        int maps = Math.max(1, WORK / size);
        return new double[] {growHash(maps, false) / (double) (maps * size),
            growTophash(maps, false) / (double) (maps * size)};
      }
      case "presized": {
        int maps = Math.max(1, WORK / size);
        return new double[] {presizedHash(maps) / (double) (maps * size),
            presizedTophash(maps) / (double) (maps * size)};
      }
      case "small": {
        int maps = Math.max(1, WORK / size / 10);
        return new double[] {growHash(maps, true) / (double) maps,
            growTophash(maps, true) / (double) maps};
      }
      default:
        throw new IllegalArgumentException("unknown operation " + op
            + ": use hit, miss, replace, merge, churn, iterate, grow or small");
    }
  }

  private long getHash(Object[] keys) {
    HashMap<Object, Object> m = hashMap;
    int mask = keys.length - 1;
    int found = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < WORK; i++) {
      if (m.get(keys[i & mask]) != null) {
        found++;
      }
    }
    long t = System.nanoTime() - t0;
    sink = found;
    return t;
  }

  private long getTophash(Object[] keys) {
    TophashMap<Object, Object> m = tophashMap;
    int mask = keys.length - 1;
    int found = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < WORK; i++) {
      if (m.get(keys[i & mask]) != null) {
        found++;
      }
    }
    long t = System.nanoTime() - t0;
    sink = found;
    return t;
  }

  private long replaceHash() {
    HashMap<Object, Object> m = hashMap;
    Object[] keys = hits;
    int mask = keys.length - 1;
    Object a = hits;
    Object b = misses;
    long t0 = System.nanoTime();
    for (int i = 0; i < WORK; i++) {
      m.put(keys[i & mask], (i & 1) == 0 ? a : b);
    }
    long t = System.nanoTime() - t0;
    sink = m;
    return t;
  }

  private long replaceTophash() {
    TophashMap<Object, Object> m = tophashMap;
    Object[] keys = hits;
    int mask = keys.length - 1;
    Object a = hits;
    Object b = misses;
    long t0 = System.nanoTime();
    for (int i = 0; i < WORK; i++) {
      m.put(keys[i & mask], (i & 1) == 0 ? a : b);
    }
    long t = System.nanoTime() - t0;
    sink = m;
    return t;
  }

  private long mergeHash() {
    HashMap<Object, Object> m = hashMap;
    Object[] keys = hits;
    int mask = keys.length - 1;
    long t0 = System.nanoTime();
    for (int i = 0; i < WORK; i++) {
      m.merge(keys[i & mask], keys, (a, b) -> b);
    }
    long t = System.nanoTime() - t0;
    sink = m;
    return t;
  }

  private long mergeTophash() {
    TophashMap<Object, Object> m = tophashMap;
    Object[] keys = hits;
    int mask = keys.length - 1;
    long t0 = System.nanoTime();
    for (int i = 0; i < WORK; i++) {
      m.merge(keys[i & mask], keys, (a, b) -> b);
    }
    long t = System.nanoTime() - t0;
    sink = m;
    return t;
  }

  private long churnHash() {
    HashMap<Object, Object> m = hashMap;
    Object[] r = ring;
    int h = hashHead;
    int n = hashTail;
    long t0 = System.nanoTime();
    for (int i = 0; i < WORK; i++) {
      m.remove(r[h]);
      m.put(r[n], r[n]);
      h = h + 1 == r.length ? 0 : h + 1;
      n = n + 1 == r.length ? 0 : n + 1;
    }
    long t = System.nanoTime() - t0;
    hashHead = h;
    hashTail = n;
    return t;
  }

  private long churnTophash() {
    TophashMap<Object, Object> m = tophashMap;
    Object[] r = ring;
    int h = tophashHead;
    int n = tophashTail;
    long t0 = System.nanoTime();
    for (int i = 0; i < WORK; i++) {
      m.remove(r[h]);
      m.put(r[n], r[n]);
      h = h + 1 == r.length ? 0 : h + 1;
      n = n + 1 == r.length ? 0 : n + 1;
    }
    long t = System.nanoTime() - t0;
    tophashHead = h;
    tophashTail = n;
    return t;
  }

  private long iterateHash(int passes) {
    int same = 0;
    long t0 = System.nanoTime();
    for (int p = 0; p < passes; p++) {
      for (Map.Entry<Object, Object> e : hashMap.entrySet()) {
        if (e.getKey() == e.getValue()) {
          same++;
        }
      }
    }
    long t = System.nanoTime() - t0;
    sink = same;
    return t;
  }

  private long iterateTophash(int passes) {
    int same = 0;
    long t0 = System.nanoTime();
    for (int p = 0; p < passes; p++) {
      for (Map.Entry<Object, Object> e : tophashMap.entrySet()) {
        if (e.getKey() == e.getValue()) {
          same++;
        }
      }
    }
    long t = System.nanoTime() - t0;
    sink = same;
    return t;
  }

  private long growHash(int maps, boolean read) {
    Object[] keys = present;
    long t0 = System.nanoTime();
    for (int j = 0; j < maps; j++) {
      HashMap<Object, Object> m = new HashMap<>();
      for (int i = 0; i < size; i++) {
        m.put(keys[i], keys[i]);
      }
      for (int i = 0; read && i < size; i++) {
        sink = m.get(keys[i]);
      }
      sink = m;
    }
    return System.nanoTime() - t0;
  }

  private long presizedHash(int maps) {
    Object[] keys = present;
    int capacity = MapType.hashMapCapacity(size);
    long t0 = System.nanoTime();
    for (int j = 0; j < maps; j++) {
      HashMap<Object, Object> m = new HashMap<>(capacity);
      for (int i = 0; i < size; i++) {
        m.put(keys[i], keys[i]);
      }
      sink = m;
    }
    return System.nanoTime() - t0;
  }

  private long presizedTophash(int maps) {
    Object[] keys = present;
    long t0 = System.nanoTime();
    for (int j = 0; j < maps; j++) {
      TophashMap<Object, Object> m = newPresizedTophash();
      for (int i = 0; i < size; i++) {
        m.put(keys[i], keys[i]);
      }
      sink = m;
    }
    return System.nanoTime() - t0;
  }

  private long growTophash(int maps, boolean read) {
    Object[] keys = present;
    long t0 = System.nanoTime();
    for (int j = 0; j < maps; j++) {
      TophashMap<Object, Object> m = newTophash();
      for (int i = 0; i < size; i++) {
        m.put(keys[i], keys[i]);
      }
      for (int i = 0; read && i < size; i++) {
        sink = m.get(keys[i]);
      }
      sink = m;
    }
    return System.nanoTime() - t0;
  }

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: InterleavedMain hit|miss|replace|merge|churn|iterate|grow|presized|small SIZE [KEYS] [off|full|untracked] [ROUNDS]");
      System.exit(2);
    }
    String op = args[0];
    int size = Integer.parseInt(args[1]);
    KeyType keys = args.length > 2 ? KeyType.valueOf(args[2]) : KeyType.STRING;
    String mode = args.length > 3 ? args[3] : "off";
    if (!mode.equals("off") && !mode.equals("full") && !mode.equals("untracked")) {
      System.err.println("unknown recording mode " + mode + ": use off, full or untracked");
      System.exit(2);
    }
    boolean record = mode.equals("full");
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 21;
    if (!java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
        .contains("-XX:+AlwaysPreTouch")) {
      System.err.println("note: the heap is not pre-touched, so operations that allocate also pay"
          + " for first touches of heap pages, which on some virtual machines cost more than the"
          + " maps; run with -Xms2g -Xmx2g -XX:+AlwaysPreTouch, as the JMH forks do");
    }
    InterleavedMain m = new InterleavedMain(op, size, keys, record, mode.equals("untracked"));
    if (Boolean.getBoolean("collect")) {
      System.gc(); // both maps into the old generation, as a long-lived map is
    }
    double[] h = new double[rounds];
    double[] t = new double[rounds];
    double[] r = new double[rounds];
    for (int i = -8; i < rounds; i++) {
      double[] ns = m.round();
      if (i >= 0) {
        h[i] = ns[0];
        t[i] = ns[1];
        r[i] = ns[1] / ns[0];
      }
      if (record && i % 4 == 0) {
        MapSites.snapshot(true); // as the agent's interval log would
      }
    }
    Arrays.sort(h);
    Arrays.sort(t);
    Arrays.sort(r);
    System.out.printf(Locale.ROOT, "%s %d %s %s: HashMap %.1f ns, TophashMap %.1f ns, ratio median %.2f"
        + " (quartiles %.2f, %.2f)%n", op, size, keys, mode, h[rounds / 2],
        t[rounds / 2], r[rounds / 2], r[rounds / 4], r[3 * rounds / 4]);
  }
}
