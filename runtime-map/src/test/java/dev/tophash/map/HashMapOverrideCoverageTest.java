package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every public or protected instance method HashMap declares (on the JDK running the test) is
 * redeclared by TophashMap: an inherited one would read HashMap's own, empty table.
 */
class HashMapOverrideCoverageTest {
  @Test
  void everyHashMapMethodIsOverridden() {
    List<String> missing = new ArrayList<>();
    for (Method m : HashMap.class.getDeclaredMethods()) {
      int mod = m.getModifiers();
      if (Modifier.isStatic(mod) || m.isSynthetic() || m.isBridge()
          || !(Modifier.isPublic(mod) || Modifier.isProtected(mod))) {
        continue;
      }
      try {
        Method ours = TophashMap.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
        assertTrue(ours.getDeclaringClass() == TophashMap.class);
      } catch (NoSuchMethodException e) {
        missing.add(m.toString());
      }
    }
    assertTrue(missing.isEmpty(), "HashMap methods TophashMap does not override: " + missing);
  }

  @Test
  void newHashMapFactoryExistsForEveryJdkHashMapStaticFactory() throws Exception {
    for (Method m : HashMap.class.getDeclaredMethods()) {
      if (Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers())) {
        TophashMap.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
      }
    }
  }
}
