package dev.tophash.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The ClassFileTransformer around the rewrite: filtering, counting, containment, id reuse. */
class HashMapSiteTransformerTest {
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final AtomicInteger ids = new AtomicInteger(100);
  private final ConcurrentHashMap<String, Integer> known = new ConcurrentHashMap<>();

  private HashMapSiteTransformer transformer(ClassFilter filter) {
    return new HashMapSiteTransformer(filter, "dev/tophash/map/TophashMap",
        (c, m, d, s, l, n) -> ids.incrementAndGet(), known, null,
        new PrintStream(log, true, StandardCharsets.UTF_8), false);
  }

  private static byte[] allocations() throws IOException {
    return HashMapSiteRewriterTest.bytesOf(HashMapSiteTransformerTest.class.getClassLoader(),
        "dev/tophash/agent/fixtures/Allocations.class");
  }

  @Test
  void rewritesAdmittedClassesAndCounts() throws IOException {
    HashMapSiteTransformer t = transformer(new ClassFilter(List.of(), List.of(), false));
    ClassLoader app = getClass().getClassLoader();
    byte[] out = t.transform(null, app, "com/fixture/Allocations", null, null,
        allocations());
    assertNotNull(out);
    assertEquals(1, t.classesRewritten());
    assertTrue(t.sitesRewritten() >= 15, "sites: " + t.sitesRewritten());
    assertEquals("", log.toString(StandardCharsets.UTF_8));
  }

  @Test
  void sameClassTransformedAgainReusesItsSiteIds() throws IOException {
    HashMapSiteTransformer t = transformer(new ClassFilter(List.of(), List.of(), false));
    ClassLoader app = getClass().getClassLoader();
    t.transform(null, app, "com/fixture/Allocations", null, null, allocations());
    int after = ids.get();
    t.transform(null, app, "com/fixture/Allocations", null, null, allocations());
    assertEquals(after, ids.get(), "retransformation registered new sites");
  }

  @Test
  void filteredAndUnchangedClassesGiveNull() throws IOException {
    HashMapSiteTransformer t =
        transformer(new ClassFilter(List.of(), List.of("com.fixture.*"), false));
    assertNull(t.transform(null, getClass().getClassLoader(), "com/fixture/Allocations", null, null,
        allocations()));
    HashMapSiteTransformer all = transformer(new ClassFilter(List.of(), List.of(), false));
    assertNull(all.transform(null, getClass().getClassLoader(), "x/NoMaps", null, null,
        HashMapSiteRewriterTest.bytesOf(getClass().getClassLoader(),
            "dev/tophash/agent/fixtures/NoMaps.class")));
    assertNull(all.transform(null, null, "java/util/HashSet", null, null, new byte[0]));
    assertEquals(0, all.classesRewritten());
  }

  @Test
  void classesOfLoadersThatCannotSeeTheMapAreLeftAlone() throws IOException {
    ClassLoader isolated = new ClassLoader("isolated", null) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith("dev.tophash.")) {
          throw new ClassNotFoundException(name);
        }
        return super.loadClass(name, resolve);
      }
    };
    HashMapSiteTransformer t = transformer(new ClassFilter(List.of(), List.of(), false));
    assertNull(t.transform(null, isolated, "com/fixture/Allocations", null, null, allocations()));
    assertEquals(1, t.classesSkipped());
    ClassLoader delegating = new ClassLoader("delegating", getClass().getClassLoader()) { };
    assertNotNull(t.transform(null, delegating, "com/fixture/Allocations", null, null,
        allocations()));
  }

  @Test
  void transformationLoadsNoApplicationClass() throws IOException {
    List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    ClassLoader spy = new ClassLoader("spy", getClass().getClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        asked.add(name);
        return super.loadClass(name, resolve);
      }
    };
    HashMapSiteTransformer t = transformer(new ClassFilter(List.of(), List.of(), false));
    assertNotNull(t.transform(null, spy, "com/fixture/Allocations", null, null, allocations()));
    // the only question asked of the loader: does it see the map class (once per loader)
    assertEquals(List.of("dev.tophash.map.TophashMap"), asked);
  }

  /**
   * A class with one small method and one huge method, each allocating a HashMap; with
   * {@code handle}, the small method also loads a method handle on HashMap's constructor, which
   * only ASM's rewrite handles.
   */
  private static byte[] smallAndHuge(boolean brokenSmall, boolean handle) {
    org.objectweb.asm.ClassWriter w =
        new org.objectweb.asm.ClassWriter(org.objectweb.asm.ClassWriter.COMPUTE_MAXS);
    w.visit(org.objectweb.asm.Opcodes.V17, org.objectweb.asm.Opcodes.ACC_PUBLIC, "gen/Mixed", null,
        "java/lang/Object", null);
    for (int size : new int[] {0, 40_000}) {
      org.objectweb.asm.MethodVisitor mv = w.visitMethod(org.objectweb.asm.Opcodes.ACC_STATIC,
          "m" + size, "()Ljava/lang/Object;", null, null);
      mv.visitCode();
      if (size == 0 && handle) {
        mv.visitLdcInsn(new org.objectweb.asm.Handle(org.objectweb.asm.Opcodes.H_NEWINVOKESPECIAL,
            "java/util/HashMap", "<init>", "()V", false));
        mv.visitInsn(org.objectweb.asm.Opcodes.POP);
      }
      for (int i = 0; i < size; i++) {
        mv.visitInsn(org.objectweb.asm.Opcodes.NOP);
      }
      mv.visitTypeInsn(org.objectweb.asm.Opcodes.NEW, "java/util/HashMap");
      mv.visitInsn(org.objectweb.asm.Opcodes.DUP);
      if (size == 0 && brokenSmall) {
        mv.visitInsn(org.objectweb.asm.Opcodes.POP);
      } else {
        mv.visitMethodInsn(org.objectweb.asm.Opcodes.INVOKESPECIAL, "java/util/HashMap", "<init>",
            "()V", false);
      }
      mv.visitInsn(org.objectweb.asm.Opcodes.ARETURN);
      mv.visitMaxs(0, 0);
      mv.visitEnd();
    }
    w.visitEnd();
    return w.toByteArray();
  }

  @Test
  void anUnexpectedShapeLeavesTheWholeClassAloneAndRegistersNothing() {
    HashMapSiteTransformer t = transformer(new ClassFilter(List.of(), List.of(), false));
    int before = ids.get();
    assertNull(t.transform(null, getClass().getClassLoader(), "gen/Mixed", null, null,
        smallAndHuge(true, false)));
    assertEquals(before, ids.get(), "no site registered for a class left alone");
    assertEquals(1, t.classesSkipped());
  }

  @Test
  void aMethodTooLargeToGrowIsRewrittenInPlace() {
    // The in-place rewrite does not grow code, so a method near the 64 KB limit is covered too.
    HashMapSiteTransformer t = transformer(new ClassFilter(List.of(), List.of(), false));
    int before = ids.get();
    byte[] out = t.transform(null, getClass().getClassLoader(), "gen/Mixed", null, null,
        smallAndHuge(false, false));
    assertNotNull(out);
    assertEquals(before + 2, ids.get(), "both sites");
    assertEquals(0, t.methodsSkipped());
    java.io.StringWriter problems = new java.io.StringWriter();
    org.objectweb.asm.util.CheckClassAdapter.verify(new org.objectweb.asm.ClassReader(out),
        getClass().getClassLoader(), false, new java.io.PrintWriter(problems));
    assertEquals("", problems.toString());
  }

  @Test
  void aMethodTooLargeForAsmToGrowIsLeftAloneAndTheRestRewritten() {
    HashMapSiteTransformer t = transformer(new ClassFilter(List.of(), List.of(), false));
    int before = ids.get();
    byte[] out = t.transform(null, getClass().getClassLoader(), "gen/Mixed", null, null,
        smallAndHuge(false, true));
    assertNotNull(out);
    assertEquals(before + 1, ids.get(), "only the small method's site");
    assertEquals(1, t.methodsSkipped());
    assertEquals(1, t.classesRewritten());
    java.io.StringWriter problems = new java.io.StringWriter();
    org.objectweb.asm.util.CheckClassAdapter.verify(new org.objectweb.asm.ClassReader(out),
        getClass().getClassLoader(), false, new java.io.PrintWriter(problems));
    assertEquals("", problems.toString());
  }

  @Test
  void neverThrowsIntoClassLoading() {
    HashMapSiteTransformer t = new HashMapSiteTransformer(
        new ClassFilter(List.of(), List.of(), false), "dev/tophash/map/TophashMap",
        (c, m, d, s, l, n) -> {
          throw new IllegalStateException("registry broken");
        }, known, null, new PrintStream(log, true, StandardCharsets.UTF_8), false);
    byte[] out = null;
    try {
      out = t.transform(null, getClass().getClassLoader(), "com/fixture/Allocations",
          null, null, allocations());
    } catch (Throwable e) {
      throw new AssertionError("transform threw", e);
    }
    assertNull(out);
    assertEquals(1, t.classesFailed());
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("registry broken"));
    byte[] junk = "\u00ca\u00fe\u00ba\u00bejava/util/HashMap".getBytes(StandardCharsets.ISO_8859_1);
    assertNull(t.transform(null, getClass().getClassLoader(), "a/B", null, null, junk));
    assertEquals(1, t.classesSkipped());
  }
}
