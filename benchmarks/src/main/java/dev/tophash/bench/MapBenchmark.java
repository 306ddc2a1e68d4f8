package dev.tophash.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Single operations on a map that already holds {@code size} entries: one benchmark invocation is
 * one operation (except the iterations, which walk the whole map), with keys taken from
 * precomputed arrays as {@code keys[i++ & mask]}, so nothing is allocated by the loop itself.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class MapBenchmark {
  private static final Function<Object, Object> IDENTITY = k -> k;
  private static final Object VALUE_A = new Object();
  private static final Object VALUE_B = new Object();

  @Param({"HASHMAP", "TOPHASH_OFF", "TOPHASH_SAMPLED", "TOPHASH_FULL", "FASTUTIL", "UNIFIED"})
  public MapType mapType;

  @Param({"INT_SEQ", "INT_SHUFFLED", "STRING", "POOR_HASH"})
  public KeyType keyType;

  @Param({"16", "1000", "100000", "1000000"})
  public int size;

  private Map<Object, Object> map;
  private Object[] hits;
  private Object[] misses;
  private int mask;
  private int i;

  /* Churn: a window of `size` consecutive keys of `ring` is in the map, [head, head + size). */
  private Object[] ring;
  private int head;
  private int tail;

  @Setup
  public void setUp() {
    KeyType.KeySet keys = keyType.generate(size, 0x7091A5L);
    map = mapType.create();
    for (Object k : keys.present) {
      map.put(k, k);
    }
    if (map.size() != size) {
      throw new IllegalStateException(mapType + " holds " + map.size() + " of " + size);
    }
    hits = keys.hits;
    misses = keys.misses;
    mask = keys.mask;
    ring = new Object[2 * size];
    System.arraycopy(keys.present, 0, ring, 0, size);
    System.arraycopy(keys.absent, 0, ring, size, size);
    head = 0;
    tail = size;
    // The maps under test are long-lived, as an application's large maps are: a full collection
    // moves every map into the old generation. Without it, the benchmarks that allocate nothing
    // (putReplace, computeIfAbsentHit) never collect, HashMap's nodes stay young, where G1's
    // write barrier skips their stores, and only maps whose arrays are humongous (above half a
    // G1 region, 512 KB with this 2 GB heap), which G1 allocates old, pay for theirs.
    System.gc();
  }

  @Benchmark
  public Object getHit() {
    return map.get(hits[i++ & mask]);
  }

  @Benchmark
  public Object getMiss() {
    return map.get(misses[i++ & mask]);
  }

  /** {@code put} of a key already present, alternating between two values. */
  @Benchmark
  public Object putReplace() {
    int j = i++;
    return map.put(hits[j & mask], (j & 1) == 0 ? VALUE_A : VALUE_B);
  }

  /**
   * Churn: remove the oldest key and insert a key not present, so the map keeps {@code size}
   * entries while its contents slide through {@code 2 * size} keys (deleted slots accumulate in
   * a map that keeps tombstones).
   */
  @Benchmark
  public Object removeReinsert() {
    Object[] r = ring;
    int h = head;
    int t = tail;
    Object removed = map.remove(r[h]);
    Object k = r[t];
    map.put(k, k);
    head = ++h == r.length ? 0 : h;
    tail = ++t == r.length ? 0 : t;
    return removed;
  }

  /** {@code computeIfAbsent} of a key already present (the memoisation hit path). */
  @Benchmark
  public Object computeIfAbsentHit() {
    return map.computeIfAbsent(hits[i++ & mask], IDENTITY);
  }

  /** One pass over {@code entrySet()}; the time is per pass over all {@code size} entries. */
  @Benchmark
  public void iterateEntries(Blackhole bh) {
    for (Map.Entry<Object, Object> e : map.entrySet()) {
      bh.consume(e.getKey());
      bh.consume(e.getValue());
    }
  }

  /** One pass with {@code forEach}; the time is per pass over all {@code size} entries. */
  @Benchmark
  public void iterateForEach(Blackhole bh) {
    map.forEach((k, v) -> {
      bh.consume(k);
      bh.consume(v);
    });
  }
}
