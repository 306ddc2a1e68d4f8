package dev.tophash.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Checks the benchmark inputs and the report generator; no benchmark runs here. */
class HarnessTest {

  @Test
  void keySetsAreDistinctDisjointAndPowerOfTwoIndexed() {
    for (KeyType type : KeyType.values()) {
      for (int n : new int[] {1, 16, 1000, 1500}) {
        KeyType.KeySet ks = type.generate(n, 1L);
        Set<Object> all = new HashSet<>();
        Collections.addAll(all, ks.present);
        Collections.addAll(all, ks.absent);
        assertEquals(2 * n, all.size(), type + " keys at " + n + " are not all distinct");
        assertEquals(0, ks.hits.length & (ks.hits.length - 1), "hits length not a power of two");
        assertEquals(ks.hits.length, ks.misses.length);
        assertTrue(ks.hits.length >= n);
        Set<Object> present = Collections.newSetFromMap(new IdentityHashMap<>());
        Collections.addAll(present, ks.present);
        for (Object k : ks.hits) {
          assertTrue(present.contains(k), "a hit key is not one of the present keys");
        }
        for (Object k : ks.misses) {
          assertFalse(present.contains(k), "a miss key is present");
        }
      }
    }
  }

  @Test
  void generationIsDeterministic() {
    assertEquals(java.util.Arrays.asList(KeyType.STRING.generate(100, 7L).present),
        java.util.Arrays.asList(KeyType.STRING.generate(100, 7L).present));
  }

  @Test
  void floodKeysShareOneHashCodeAndAreDistinct() {
    for (FloodKeys kind : FloodKeys.values()) {
      Object[] keys = kind.generate(2000);
      Set<Object> distinct = new HashSet<>();
      Collections.addAll(distinct, keys);
      assertEquals(2000, distinct.size(), kind + " keys are not distinct");
      for (Object k : keys) {
        assertEquals(keys[0].hashCode(), k.hashCode());
      }
    }
    assertTrue(FloodKeys.STRING.generate(1)[0] instanceof Comparable);
    assertTrue(FloodKeys.COMPARABLE.generate(1)[0] instanceof Comparable);
    assertFalse(FloodKeys.NON_COMPARABLE.generate(1)[0] instanceof Comparable);
  }

  @Test
  void everyMapTypeBehavesAsAMap() {
    for (MapType type : MapType.values()) {
      for (Map<Object, Object> m : java.util.List.of(type.create(), type.<Object, Object>create(100))) {
        for (int i = 0; i < 200; i++) {
          m.put(i, "v" + i);
        }
        assertEquals(200, m.size(), type.name());
        assertEquals("v7", m.get(7));
        assertEquals("v7", m.remove(7));
        assertEquals(199, m.size());
      }
    }
  }

  @Test
  void reportGivesRatiosToHashMapAndAllocation() {
    String json = "[\n"
        + row("MapBenchmark.getHit", "HASHMAP", 10.0, 0.0) + ",\n"
        + row("MapBenchmark.getHit", "TOPHASH_OFF", 5.0, 16.0) + "\n]\n";
    String md = JmhReport.render(json);
    assertTrue(md.contains("#### MapBenchmark.getHit"), md);
    assertTrue(md.contains("| STRING | 1000 | 10.00 | 0.50 |"), md);
    assertTrue(md.contains("| STRING | 1000 | 0 | 16.00 |"), md);
    assertTrue(md.contains("**0.50**"), md);
  }

  @Test
  void jsonReaderHandlesEscapesAndNaN() {
    Object v = new JmhReport.Json("{\"a\": [1, -2.5e3, \"x\\\"\\u0041\", true, null, NaN]}").value();
    @SuppressWarnings("unchecked")
    java.util.List<Object> a = (java.util.List<Object>) ((Map<String, Object>) v).get("a");
    assertEquals(-2500.0, a.get(1));
    assertEquals("x\"A", a.get(2));
    assertSame(Boolean.TRUE, a.get(3));
    assertTrue(Double.isNaN((Double) a.get(5)));
  }

  @Test
  void probeCycleVisitsEverySlotOnce() {
    int[] next = MachineProbe.cycle(1 << 12, 3L);
    boolean[] seen = new boolean[next.length];
    int p = 0;
    for (int i = 0; i < next.length; i++) {
      assertFalse(seen[p], "the chase returned to slot " + p + " after " + i + " steps");
      seen[p] = true;
      p = next[p];
    }
    assertEquals(0, p, "the chase does not close after visiting every slot");
  }

  @Test
  void probeLinesRoundTripAndSummarize() {
    double[] a = {4.0, 16.8, 19.2, 179.4};
    String line = MachineProbe.format(a);
    assertEquals("256 KB 4.0 ns, 4 MB 16.8 ns, 8 MB 19.2 ns, 64 MB 179.4 ns", line);
    assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(MachineProbe.parse(line)));

    String steady =
        MachineProbe.summarize(java.util.List.of(a, new double[] {4.2, 18.0, 21.0, 190.0}));
    assertTrue(steady.contains(
        "256 KB 4.0–4.2 ns, 4 MB 16.8–18.0 ns, 8 MB 19.2–21.0 ns, 64 MB 179.4–190.0 ns"), steady);
    assertTrue(steady.contains("2 probes"), steady);
    assertFalse(steady.contains("Warning"), steady);

    String disturbed =
        MachineProbe.summarize(java.util.List.of(a, new double[] {4.1, 40.0, 30.0, 200.0}));
    assertTrue(disturbed.contains("**Warning**: the 4 MB probe varied 2.4×"), disturbed);
    String lastLevel =
        MachineProbe.summarize(java.util.List.of(a, new double[] {4.1, 17.0, 110.0, 200.0}));
    assertTrue(lastLevel.contains("**Warning**: the 8 MB probe varied 5.7×"), lastLevel);
    assertTrue(lastLevel.contains("above all for maps of 100,000 entries"), lastLevel);
    assertFalse(lastLevel.contains("the 4 MB probe"), lastLevel);
    assertEquals("- Machine probe: none taken", MachineProbe.summarize(java.util.List.of()));
  }

  @Test
  void probeParseNamesWhatIsWrong() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> MachineProbe.parse("256 KB 4.0 ns, 4 MB 16.8 ns, 64 MB 179.4 ns"));
    assertTrue(e.getMessage().contains("with 4 sizes"), e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> MachineProbe.parse("256 KB 4.0 ns, 8 MB 16.8 ns, 8 MB 19.2 ns, 64 MB 179.4 ns"));
    assertTrue(e.getMessage().contains("\"4 MB N ns\" as part 2"), e.getMessage());
  }

  private static String row(String bench, String type, double score, double alloc) {
    return "{\"benchmark\": \"dev.tophash.bench." + bench + "\", \"mode\": \"avgt\","
        + " \"params\": {\"keyType\": \"STRING\", \"mapType\": \"" + type + "\", \"size\": \"1000\"},"
        + " \"primaryMetric\": {\"score\": " + score + ", \"scoreError\": \"NaN\","
        + " \"scoreUnit\": \"ns/op\"},"
        + " \"secondaryMetrics\": {\"gc.alloc.rate.norm\": {\"score\": " + alloc
        + ", \"scoreUnit\": \"B/op\"}}}";
  }
}
