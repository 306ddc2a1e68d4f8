package dev.tophash.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;

/**
 * The trampoline refers to nothing but {@code java.*} (and itself), and the nested bootstrap
 * jar holds only {@code dev/tophash/map/**}: STYLE item 3's structural tests.
 */
class PremainStructureTest {
  private static final int CONSTANT_CLASS = 7;
  private static final int CONSTANT_UTF8 = 1;
  private static final int CONSTANT_INVOKE_DYNAMIC = 18;
  private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile("L([\\w/$]+);");

  /** Every class name the constant pool of {@code resource} refers to. */
  static List<String> referencedTypes(String resource) throws IOException {
    byte[] b;
    try (InputStream in = PremainStructureTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource);
      b = in.readAllBytes();
    }
    ClassReader r = new ClassReader(b);
    char[] buf = new char[r.getMaxStringLength()];
    List<String> out = new ArrayList<>();
    for (int i = 1; i < r.getItemCount(); i++) {
      int offset = r.getItem(i);
      if (offset == 0) {
        continue;
      }
      int tag = b[offset - 1];
      assertFalse(tag == CONSTANT_INVOKE_DYNAMIC, resource + " uses invokedynamic");
      if (tag == CONSTANT_CLASS) {
        String name = r.readUTF8(offset, buf);
        if (name.matches("^\\[+[BCDFIJSZ]$")) {
          continue; // an array of a primitive type (byte[].class) names no class
        }
        out.add(name.startsWith("[") ? name.replaceAll("^\\[+L?|;$", "") : name);
      } else if (tag == CONSTANT_UTF8) {
        String s = readUtf8Entry(b, offset);
        Matcher m = TYPE_IN_DESCRIPTOR.matcher(s == null ? "" : s);
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }

  /** The string of the CONSTANT_Utf8 entry whose content starts at {@code offset} (after the tag). */
  private static String readUtf8Entry(byte[] b, int offset) {
    int length = ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
    return new String(b, offset + 2, length, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void trampolineReferencesOnlyJavaPackages() throws IOException {
    for (String cls : new String[] {"dev/tophash/agent/Premain.class",
        "dev/tophash/agent/Premain$AgentFirstLoader.class"}) {
      List<String> types = referencedTypes(cls);
      assertTrue(types.contains("java/lang/instrument/Instrumentation") || cls.contains("$"), cls);
      for (String t : types) {
        assertTrue(t.startsWith("java/") || t.startsWith("dev/tophash/agent/Premain"),
            cls + " refers to " + t);
      }
    }
  }

  @Test
  void bootstrapJarHoldsOnlyTheMap() throws IOException {
    int classes = 0;
    try (InputStream in = PremainStructureTest.class.getClassLoader()
        .getResourceAsStream(Premain.BOOTSTRAP_JAR_RESOURCE)) {
      assertNotNull(in, "nested bootstrap jar missing from target/classes");
      JarInputStream jar = new JarInputStream(in);
      for (JarEntry e; (e = jar.getNextJarEntry()) != null; ) {
        String n = e.getName();
        assertTrue(n.startsWith("dev/tophash/map/") || n.startsWith("META-INF/")
            || n.equals("dev/") || n.equals("dev/tophash/"), n);
        if (n.endsWith(".class")) {
          classes++;
        }
      }
    }
    assertTrue(classes > 5, "map classes in the bootstrap jar");
  }

  @Test
  void bootstrapJarHasTheMapAndRelocatedHdrHistogram() throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = PremainStructureTest.class.getClassLoader()
        .getResourceAsStream(Premain.BOOTSTRAP_JAR_RESOURCE)) {
      JarInputStream jar = new JarInputStream(in);
      for (JarEntry e; (e = jar.getNextJarEntry()) != null; ) {
        names.add(e.getName());
      }
    }
    assertTrue(names.contains("dev/tophash/map/TophashMap.class"));
    assertTrue(names.contains("dev/tophash/map/MapSites.class"));
    assertTrue(names.contains("dev/tophash/map/shaded/hdrhistogram/Histogram.class"));
    assertEquals(0, names.stream().filter(n -> n.startsWith("org/")).count());
  }
}
