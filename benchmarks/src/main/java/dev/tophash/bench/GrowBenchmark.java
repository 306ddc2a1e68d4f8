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

/**
 * Filling a new map with {@code size} distinct keys. One invocation builds one whole map, so the
 * score is the time for all {@code size} inserts (divide by {@code size} for a per-put figure;
 * ratios to HashMap are unaffected). Growth (resizes, evacuation) is included unless presized.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class GrowBenchmark {
  private static final Function<Object, Object> IDENTITY = k -> k;

  @Param({"HASHMAP", "TOPHASH_OFF", "TOPHASH_SAMPLED", "TOPHASH_FULL", "FASTUTIL", "UNIFIED"})
  public MapType mapType;

  @Param({"INT_SEQ", "INT_SHUFFLED", "STRING", "POOR_HASH"})
  public KeyType keyType;

  @Param({"16", "1000", "100000", "1000000"})
  public int size;

  private Object[] keys;

  @Setup
  public void setUp() {
    keys = keyType.generate(size, 0x7091A5L).present;
  }

  /** Puts into a map created without a size hint: every resize or evacuation is included. */
  @Benchmark
  public Map<Object, Object> putGrow() {
    Map<Object, Object> m = mapType.create();
    for (Object k : keys) {
      m.put(k, k);
    }
    return m;
  }

  /** Puts into a map presized for {@code size} entries. */
  @Benchmark
  public Map<Object, Object> putPresized() {
    Map<Object, Object> m = mapType.create(keys.length);
    for (Object k : keys) {
      m.put(k, k);
    }
    return m;
  }

  /** {@code computeIfAbsent} of new keys into a map without a size hint (the insert path). */
  @Benchmark
  public Map<Object, Object> computeIfAbsentGrow() {
    Map<Object, Object> m = mapType.create();
    for (Object k : keys) {
      m.computeIfAbsent(k, IDENTITY);
    }
    return m;
  }
}
