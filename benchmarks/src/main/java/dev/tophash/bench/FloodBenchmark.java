package dev.tophash.bench;

import java.util.Map;
import java.util.Random;
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
 * Hash flooding (issue 8): {@link FloodKeys#count()} distinct keys sharing one {@code hashCode()}
 * (50,000 String or Comparable keys, 5,000 non-Comparable ones) are inserted into a new map, then
 * each is looked up once, in a random order. One invocation does all of it. HashMap survives this
 * by turning the bin into a tree ordered by {@code compareTo} when keys are Comparable; for
 * non-Comparable keys even its tree degrades to a scan (about a minute per invocation at 50,000
 * here), hence the smaller count for them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class FloodBenchmark {
  @Param({"HASHMAP", "TOPHASH_OFF"})
  public MapType mapType;

  @Param({"STRING", "COMPARABLE", "NON_COMPARABLE"})
  public FloodKeys floodKeys;

  private Object[] inserts;
  private Object[] lookups;

  @Setup
  public void setUp() {
    int n = floodKeys.count();
    inserts = floodKeys.generate(n);
    lookups = inserts.clone();
    Random rnd = new Random(42);
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      Object t = lookups[i];
      lookups[i] = lookups[j];
      lookups[j] = t;
    }
  }

  @Benchmark
  public int insertThenLookup() {
    Map<Object, Object> m = mapType.create();
    for (Object k : inserts) {
      m.put(k, k);
    }
    int found = 0;
    for (Object k : lookups) {
      if (m.get(k) == k) {
        found++;
      }
    }
    if (found != inserts.length) {
      throw new AssertionError("found " + found + " of " + inserts.length);
    }
    return found;
  }
}
