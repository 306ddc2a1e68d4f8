package dev.tophash.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tophash.map.MapSites;
import dev.tophash.map.RecordingHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** impl=hashmap: the same rewrite with RecordingHashMap as the target class. */
class RecordingHashMapTargetTest {
  private static final String FIXTURES = "dev.tophash.agent.fixtures.";

  @Test
  @SuppressWarnings("unchecked")
  void everyShapeAllocatesRecordingHashMap() throws Exception {
    RewritingClassLoader loader =
        new RewritingClassLoader(FIXTURES, "dev/tophash/map/RecordingHashMap");
    Class<?> c = loader.loadClass(FIXTURES + "Allocations");
    Object a = c.getConstructor().newInstance();
    assertSame(RecordingHashMap.class, c.getMethod("noArg").invoke(a).getClass());
    assertSame(RecordingHashMap.class, c.getMethod("capacity").invoke(a).getClass());
    assertSame(RecordingHashMap.class, c.getMethod("capacityAndLoadFactor").invoke(a).getClass());
    Object copy = c.getMethod("copy", Map.class).invoke(a, Map.of("a", 1));
    assertSame(RecordingHashMap.class, copy.getClass());
    assertEquals(Map.of("a", 1), copy);
    Supplier<Map<String, Integer>> s =
        (Supplier<Map<String, Integer>>) c.getMethod("constructorReference").invoke(a);
    assertSame(RecordingHashMap.class, s.get().getClass());
    Function<Integer, Map<String, Integer>> f = (Function<Integer, Map<String, Integer>>)
        c.getMethod("constructorReferenceWithCapacity").invoke(a);
    RecordingHashMap<?, ?> m = (RecordingHashMap<?, ?>) f.apply(10);
    assertEquals("constructorReferenceWithCapacity", MapSites.site(m.site()).methodName());
    assertEquals("", loader.verifyAll());
  }
}
