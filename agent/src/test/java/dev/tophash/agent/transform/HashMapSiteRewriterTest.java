package dev.tophash.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.map.MapSites;
import dev.tophash.map.SiteInfo;
import dev.tophash.map.TophashMap;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.junit.jupiter.api.Test;

/**
 * The rewrite on the fixture class {@code Allocations}, loaded through {@link RewritingClassLoader}:
 * every allocation shape, what must stay, the verifier, and the lines sites are registered with.
 */
class HashMapSiteRewriterTest {
  private static final String FIXTURES = "dev.tophash.agent.fixtures.";
  private static final Path SOURCE =
      Paths.get("src/test/java/dev/tophash/agent/fixtures/Allocations.java");

  private static RewritingClassLoader loader;
  private static Class<?> allocations;
  private static Object instance;
  private static Map<String, Integer> lines;

  @BeforeAll
  static void load() throws Exception {
    loader = new RewritingClassLoader(FIXTURES);
    allocations = loader.loadClass(FIXTURES + "Allocations");
    instance = allocations.getConstructor().newInstance();
    lines = markerLines(SOURCE);
  }

  /** Marker name to line number, from {@code // SITE:name} comments in the fixture source. */
  static Map<String, Integer> markerLines(Path source) throws IOException {
    Map<String, Integer> out = new HashMap<>();
    List<String> all = Files.readAllLines(source);
    Pattern p = Pattern.compile("// SITE:(\\w+)");
    for (int i = 0; i < all.size(); i++) {
      Matcher m = p.matcher(all.get(i));
      if (m.find()) {
        out.put(m.group(1), i + 1);
      }
    }
    return out;
  }

  private Object call(String method, Object... args) throws Exception {
    for (Method m : allocations.getMethods()) {
      if (m.getName().equals(method) && m.getParameterCount() == args.length) {
        return m.invoke(instance, args);
      }
    }
    throw new NoSuchMethodException(method);
  }

  /** Asserts the map is a TophashMap allocated at the marked line in {@code method}. */
  private static void assertSite(Object map, String marker, String method) {
    assertSame(TophashMap.class, map.getClass(), marker);
    SiteInfo site = MapSites.site(((TophashMap<?, ?>) map).site());
    assertEquals(FIXTURES + "Allocations", site.className().replace('$', '$'), marker);
    assertEquals(method, site.methodName(), marker);
    assertEquals((int) lines.get(marker), site.line(), marker);
    assertEquals("Allocations.java", site.sourceFile(), marker);
    assertEquals("rewriting", site.loaderName(), marker);
  }

  @Test
  void everyRewrittenClassPassesTheVerifier() throws Exception {
    loader.loadClass(FIXTURES + "Allocations$MapSubclass");
    assertFalse(loader.rewritten.isEmpty());
    assertEquals("", loader.verifyAll());
  }

  @Test
  void fourConstructors() throws Exception {
    assertSite(call("noArg"), "noArg", "noArg");
    assertSite(call("capacity"), "capacity", "capacity");
    assertSite(call("capacityAndLoadFactor"), "capacityLoad", "capacityAndLoadFactor");
    Map<?, ?> copy = (Map<?, ?>) call("copy", Map.of("a", 1));
    assertSite(copy, "copy", "copy");
    assertEquals(Map.of("a", 1), copy);
  }

  @Test
  void staticInitializer() throws Exception {
    Field f = allocations.getDeclaredField("STATIC_MAP");
    f.setAccessible(true);
    assertSite(f.get(null), "clinit", "<clinit>");
  }

  @Test
  @SuppressWarnings("unchecked")
  void nestedAllocationsPairLastInFirstOut() throws Exception {
    Map<String, Map<String, Integer>> outer = (Map<String, Map<String, Integer>>) call("nested");
    assertSite(outer, "nested", "nested");
    assertSite(outer.get("inner"), "nestedArg", "nested");
    assertEquals(Map.of("k", 1), outer.get("inner"));
    long onNestedLine = loader.registrations.stream()
        .filter(r -> r.line == lines.get("nested")).count();
    assertEquals(2, onNestedLine, "outer and inner allocation on one line: " + loader.registrations);
  }

  @Test
  void lambdaBody() throws Exception {
    Supplier<?> s = (Supplier<?>) call("inLambda");
    Object map = s.get();
    assertSame(TophashMap.class, map.getClass());
    SiteInfo site = MapSites.site(((TophashMap<?, ?>) map).site());
    assertTrue(site.methodName().startsWith("lambda$inLambda$"), site.methodName());
    assertEquals((int) lines.get("lambda"), site.line());
  }

  @Test
  void tryAndCatch() throws Exception {
    assertSite(call("inTryCatch", "8"), "try", "inTryCatch");
    assertSite(call("inTryCatch", "x"), "catch", "inTryCatch");
  }

  @Test
  void branchesBetweenNewAndConstructor() throws Exception {
    assertSite(call("conditional", true), "conditional", "conditional");
    assertSite(call("conditional", false), "conditional", "conditional");
    Map<String, Integer> other = new LinkedHashMap<>();
    assertSite(call("conditionalCopy", false, other), "conditionalCopy", "conditionalCopy");
    assertSite(call("conditionalCopy", true, other), "conditionalCopy", "conditionalCopy");
  }

  @Test
  void sitesBecomeFactoryCallsUnlessAFrameLiesBetweenTheNewAndItsConstructor() {
    // A factory call lets maps=N hand out plain HashMaps; a NEW whose constructor arguments
    // branch is named by the frames there, so it stays a NEW of the target.
    String factory = "TophashMap.constructAt";
    assertEquals(List.of(factory + "(I)Ljava/util/HashMap;"), targetInstructions("noArg"));
    assertEquals(List.of(factory + "(II)Ljava/util/HashMap;"), targetInstructions("capacity"));
    assertEquals(List.of(factory + "(ILjava/util/Map;)Ljava/util/HashMap;"),
        targetInstructions("copy"));
    assertEquals(List.of("NEW TophashMap", "TophashMap.<init>(II)V"),
        targetInstructions("conditional"));
    assertEquals(List.of("NEW TophashMap", factory + "(I)Ljava/util/HashMap;",
        "TophashMap.<init>(Ljava/util/Map;I)V"), targetInstructions("conditionalCopy"));
  }

  /** The NEWs and calls of one rewritten method that name HashMap or TophashMap, in order. */
  private static List<String> targetInstructions(String method) {
    ClassNode cn = new ClassNode();
    new ClassReader(loader.rewritten.get(FIXTURES + "Allocations")).accept(cn, 0);
    List<String> out = new ArrayList<>();
    for (MethodNode m : cn.methods) {
      if (!m.name.equals(method)) {
        continue;
      }
      for (AbstractInsnNode i : m.instructions) {
        if (i.getOpcode() == Opcodes.NEW && ((TypeInsnNode) i).desc.endsWith("ashMap")) {
          out.add("NEW " + simpleName(((TypeInsnNode) i).desc));
        } else if (i instanceof MethodInsnNode && ((MethodInsnNode) i).owner.endsWith("ashMap")) {
          MethodInsnNode call = (MethodInsnNode) i;
          out.add(simpleName(call.owner) + "." + call.name + call.desc);
        }
      }
    }
    return out;
  }

  private static String simpleName(String internalName) {
    return internalName.substring(internalName.lastIndexOf('/') + 1);
  }

  @Test
  void loopAllocatesAtOneSite() throws Exception {
    Object m = call("loop", 5);
    assertSite(m, "loop", "loop");
    assertEquals(Map.of("i", 4), m);
  }

  @Test
  @SuppressWarnings("unchecked")
  void constructorReferences() throws Exception {
    Supplier<Map<String, Integer>> s = (Supplier<Map<String, Integer>>) call("constructorReference");
    assertSite(s.get(), "ctorRef", "constructorReference");
    Function<Integer, Map<String, Integer>> f =
        (Function<Integer, Map<String, Integer>>) call("constructorReferenceWithCapacity");
    assertSite(f.apply(100), "ctorRefCapacity", "constructorReferenceWithCapacity");
    Function<Map<String, Integer>, HashMap<String, Integer>> c =
        (Function<Map<String, Integer>, HashMap<String, Integer>>) call("constructorReferenceCopy");
    HashMap<String, Integer> copied = c.apply(Map.of("z", 26));
    assertSite(copied, "ctorRefCopy", "constructorReferenceCopy");
    assertEquals(Map.of("z", 26), copied);
  }

  @Test
  void staticTypeHashMapAndClone() throws Exception {
    Object m = call("asHashMap");
    assertTrue(m instanceof HashMap);
    assertEquals(Map.of("a", 1), m);
  }

  @Test
  void linkedHashMapStays() throws Exception {
    assertSame(LinkedHashMap.class, call("linked").getClass());
  }

  @Test
  void doubleBraceClassStays() throws Exception {
    Object m = call("doubleBrace");
    assertEquals(FIXTURES + "Allocations$1", m.getClass().getName());
    assertSame(HashMap.class, m.getClass().getSuperclass());
    assertEquals(Map.of("x", 1), m);
    assertNull(loader.rewritten.get(FIXTURES + "Allocations$1"), "anonymous subclass rewritten");
    assertNull(loader.skipped.get(FIXTURES + "Allocations$1"));
  }

  @Test
  void subclassSuperCallStaysButItsArgumentIsASite() throws Exception {
    Object m = call("subclass");
    assertEquals(FIXTURES + "Allocations$MapSubclass", m.getClass().getName());
    assertSame(HashMap.class, m.getClass().getSuperclass());
    Class<?> sub = loader.loadClass(FIXTURES + "Allocations$MapSubclass");
    Object copy = sub.getConstructor(Map.class).newInstance(Map.of("q", 1));
    assertEquals(Map.of("q", 1), copy);
    assertTrue(loader.registrations.stream().anyMatch(r ->
        r.className.endsWith("Allocations$MapSubclass") && r.line == lines.get("superArg")),
        loader.registrations.toString());
    assertEquals(1, loader.registrations.stream()
        .filter(r -> r.className.endsWith("Allocations$MapSubclass")).count(),
        "only the argument of super(...) is a site");
  }

  @Test
  void everyMarkedSiteRegisteredOnce() throws Exception {
    loader.loadClass(FIXTURES + "Allocations$MapSubclass");
    for (Map.Entry<String, Integer> e : lines.entrySet()) {
      long n = loader.registrations.stream().filter(r -> r.line == e.getValue()).count();
      assertEquals(e.getKey().equals("nested") || e.getKey().equals("conditionalCopy") ? 2 : 1, n, e.getKey() + " " + loader.registrations);
    }
  }

  @Test
  void classWithoutSitesIsNotRewritten() throws IOException {
    byte[] b = bytesOf(HashMapSiteRewriterTest.class.getClassLoader(),
        "dev/tophash/agent/fixtures/NoMaps.class");
    SiteTransformer.Result r = SiteTransformer.rewrite(b, "x", "dev/tophash/map/TophashMap",
        (c, m, d, s, l, n) -> {
          throw new AssertionError("registered a site in a class without sites");
        });
    assertNull(r.bytes());
    assertFalse(r.skipped());
  }

  static byte[] bytesOf(ClassLoader l, String resource) throws IOException {
    try (InputStream in = l.getResourceAsStream(resource)) {
      assertNotNull(in, resource);
      return in.readAllBytes();
    }
  }
}
