package dev.tophash.agent.transform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassFilterTest {
  @Test
  void defaultAdmitsApplicationClassesOnly() {
    ClassFilter f = new ClassFilter(List.of(), List.of(), false);
    assertTrue(f.admits("com/shop/Cart", false));
    assertTrue(f.admits("Hello", false));
    assertFalse(f.admits("java/util/HashSet", true));
    assertFalse(f.admits("javax/swing/JTable", false));
    assertFalse(f.admits("com/sun/tools/Foo", false));
    assertFalse(f.admits("com/shop/Loaded", true), "classes of the JDK's loaders");
    assertFalse(f.admits("dev/tophash/agent/shaded/asm/ClassReader", false));
    assertFalse(f.admits("dev/tophash/map/TophashMap", false));
    assertFalse(f.admits("dev/tophash/reports/ReportWriter", false));
    assertTrue(f.admits("dev/tophash/it/apps/App", false), "fixtures are application code");
    assertFalse(f.admits("net/bytebuddy/ByteBuddy", false));
    assertFalse(f.admits("org/objectweb/asm/ClassReader", false));
    assertFalse(f.admits("javassist/ClassPool", false));
    assertFalse(f.admits("com/shop/Cart$$Lambda$14", false));
    assertFalse(f.admits(null, false));
  }

  @Test
  void jdkOptIn() {
    ClassFilter f = new ClassFilter(List.of(), List.of(), true);
    assertTrue(f.admits("java/util/HashSet", true));
    assertTrue(f.admits("java/util/stream/Collectors", true));
    assertFalse(f.admits("java/lang/ThreadLocal", true));
    assertFalse(f.admits("java/util/HashMap", true));
    assertFalse(f.admits("java/util/concurrent/ConcurrentHashMap", true));
    assertFalse(f.admits("jdk/internal/loader/BuiltinClassLoader", true));
    assertFalse(f.admits("sun/nio/fs/UnixPath", true));
  }

  @Test
  void includeAndExclude() {
    ClassFilter f = new ClassFilter(List.of("com.shop.*", "org.lib.Util", "org.lib.Gen*"),
        List.of("com.shop.internal.*", "com.shop.Legacy"), false);
    assertTrue(f.admits("com/shop/Cart", false));
    assertTrue(f.admits("com/shop/deep/Cart", false));
    assertFalse(f.admits("com/shopping/Cart", false));
    assertFalse(f.admits("com/shop/internal/Cache", false));
    assertFalse(f.admits("com/shop/Legacy", false));
    assertFalse(f.admits("com/shop/Legacy$Inner", false));
    assertTrue(f.admits("org/lib/Util", false));
    assertTrue(f.admits("org/lib/Util$1", false));
    assertFalse(f.admits("org/lib/Utils", false));
    assertTrue(f.admits("org/lib/Generated42", false));
    assertFalse(f.admits("Hello", false));
  }

  @Test
  void patterns() {
    assertTrue(ClassFilter.isValidPattern("com.foo.*"));
    assertTrue(ClassFilter.isValidPattern("com.foo.Bar"));
    assertTrue(ClassFilter.isValidPattern("com.foo.Ba*"));
    assertTrue(ClassFilter.isValidPattern("*"));
    assertFalse(ClassFilter.isValidPattern("com foo"));
    assertFalse(ClassFilter.isValidPattern("com..foo"));
    assertFalse(ClassFilter.isValidPattern("com.*.foo"));
  }
}
