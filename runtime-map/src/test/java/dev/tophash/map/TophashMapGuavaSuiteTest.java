package dev.tophash.map;

import com.google.common.collect.testing.MapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.Feature;
import com.google.common.collect.testing.features.MapFeature;
import java.util.Map;
import junit.framework.Test;
import junit.framework.TestCase;
import junit.framework.TestSuite;

/**
 * Guava testlib's map conformance suite with the features Guava tests {@code java.util.HashMap}
 * with, for TophashMap and its views; once on a fresh map, once on a map built large enough to be
 * in the middle of a grow (old and new arrays coexisting) when the suite's operations run.
 */
public class TophashMapGuavaSuiteTest extends TestCase {
  /** The features Guava tests java.util.HashMap with (TestsForMapsInJavaUtil). */
  private static final Feature<?>[] HASHMAP_FEATURES = {
      MapFeature.GENERAL_PURPOSE, MapFeature.ALLOWS_NULL_KEYS, MapFeature.ALLOWS_NULL_VALUES,
      MapFeature.ALLOWS_ANY_NULL_QUERIES, MapFeature.FAILS_FAST_ON_CONCURRENT_MODIFICATION,
      CollectionFeature.SUPPORTS_ITERATOR_REMOVE, CollectionFeature.SERIALIZABLE,
      CollectionSize.ANY};

  public static Test suite() {
    TestSuite suite = new TestSuite("TophashMap conformance");
    suite.addTest(MapTestSuiteBuilder.using(new TestStringMapGenerator() {
          @Override
          protected Map<String, String> create(Map.Entry<String, String>[] entries) {
            Map<String, String> map = new TophashMap<>();
            for (Map.Entry<String, String> e : entries) {
              map.put(e.getKey(), e.getValue());
            }
            return map;
          }
        })
        .named("TophashMap")
        .withFeatures(HASHMAP_FEATURES)
        .createTestSuite());
    suite.addTest(MapTestSuiteBuilder.using(new TestStringMapGenerator() {
          @Override
          protected Map<String, String> create(Map.Entry<String, String>[] entries) {
            // 9 keys into B=0 finishes its grow at once; 14 into a B=1 map starts a grow from
            // 2 old buckets, and filler removed again keeps the map mid-grow at B >= 2.
            TophashMap<String, String> map = new TophashMap<>(14);
            for (int i = 0; i < 200; i++) {
              map.put("filler" + i, "x");
            }
            for (int i = 0; i < 200; i++) {
              map.remove("filler" + i);
            }
            for (Map.Entry<String, String> e : entries) {
              map.put(e.getKey(), e.getValue());
            }
            return map;
          }
        })
        .named("TophashMap after churn")
        .withFeatures(HASHMAP_FEATURES)
        .createTestSuite());
    suite.addTest(MapTestSuiteBuilder.using(new TestStringMapGenerator() {
          @Override
          protected Map<String, String> create(Map.Entry<String, String>[] entries) {
            // Flooded by colliding keys, the map hands itself to HashMap's table; emptied, it
            // stays there: the suite then checks every method of the delegating mode.
            TophashMap<Object, Object> flooded = new TophashMap<>();
            for (int i = 0; i < 100; i++) {
              flooded.put(new DifferentialTest.HashedKey(i, 1), "x");
            }
            flooded.clear();
            if (!flooded.delegating) {
              throw new AssertionError("the flood did not switch the map");
            }
            @SuppressWarnings("unchecked")
            Map<String, String> map = (Map<String, String>) (Map<?, ?>) flooded;
            for (Map.Entry<String, String> e : entries) {
              map.put(e.getKey(), e.getValue());
            }
            return map;
          }
        })
        .named("TophashMap delegating to HashMap after a flood")
        .withFeatures(HASHMAP_FEATURES)
        .createTestSuite());
    return suite;
  }
}
