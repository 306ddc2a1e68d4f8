package dev.tophash.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The life of a small map, which is what most maps of a real application are: allocate one
 * without a size hint, put {@code size} keys, look each up once. One invocation is one whole map,
 * its allocation, growth and recording (the site's per-map work) included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class SmallMapBenchmark {
  @Param({"HASHMAP", "TOPHASH_OFF", "TOPHASH_SAMPLED", "TOPHASH_FULL", "FASTUTIL", "UNIFIED"})
  public MapType mapType;

  @Param({"STRING", "INT_SHUFFLED"})
  public KeyType keyType;

  @Param({"1", "4", "16"})
  public int size;

  private Object[] keys;

  @Setup
  public void setUp() {
    keys = keyType.generate(size, 0x7091A5L).present;
  }

  /** Returns the map, so that nothing of its life can be optimised away. */
  @Benchmark
  public Map<Object, Object> buildAndRead() {
    Map<Object, Object> m = mapType.create();
    for (Object k : keys) {
      m.put(k, k);
    }
    for (Object k : keys) {
      if (m.get(k) != k) {
        throw new AssertionError(k);
      }
    }
    return m;
  }
}
