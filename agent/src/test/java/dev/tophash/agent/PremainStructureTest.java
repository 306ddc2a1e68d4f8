package dev.tophash.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        "dev/tophash/agent/Premain$AgentFirstLoader.class",
        "dev/tophash/agent/Premain$BootClasses.class", "dev/tophash/agent/Premain$JarBytes.class"}) {
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

  /** The nested bootstrap jar's bytes. */
  private static byte[] bootstrapJar() throws IOException {
    try (InputStream in = PremainStructureTest.class.getClassLoader()
        .getResourceAsStream(Premain.BOOTSTRAP_JAR_RESOURCE)) {
      assertNotNull(in, "nested bootstrap jar missing from target/classes");
      return in.readAllBytes();
    }
  }

  @Test
  void quickJarReaderReadsWhatZipInputStreamReads() throws IOException {
    byte[] jar = bootstrapJar();
    Map<String, byte[]> expected = new LinkedHashMap<>();
    try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
      for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
        String n = e.getName();
        if (n.endsWith(".class") && !n.endsWith("module-info.class")) {
          expected.put(n.substring(0, n.length() - 6), in.readAllBytes());
        }
      }
    }
    Map<String, byte[]> read = Premain.JarBytes.classFiles(jar);
    assertEquals(expected.keySet(), read.keySet());
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      assertArrayEquals(e.getValue(), read.get(e.getKey()), e.getKey());
    }
  }

  @Test
  void quickJarReaderRefusesCorruptData() throws IOException {
    byte[] jar = bootstrapJar();
    byte[] cut = Arrays.copyOf(jar, jar.length - 10);
    assertThrows(IOException.class, () -> Premain.JarBytes.classFiles(cut));
    byte[] flipped = jar.clone();
    byte[] name = "dev/tophash/map/TophashMap.class".getBytes(StandardCharsets.UTF_8);
    int at = indexOf(jar, name); // its local header, before the central directory
    assertTrue(at > 0);
    flipped[at + name.length + 300] ^= 0x55; // inside its compressed data
    assertThrows(IOException.class, () -> Premain.JarBytes.classFiles(flipped));
  }

  private static int indexOf(byte[] b, byte[] part) {
    outer:
    for (int i = 0; i <= b.length - part.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (b[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void everyClassIsDefinedOnceAfterItsSupertypes() throws IOException {
    Map<String, byte[]> classes = Premain.JarBytes.classFiles(bootstrapJar());
    List<String> order = Premain.BootClasses.definitionOrder(classes);
    assertEquals(classes.size(), order.size());
    assertEquals(classes.keySet(), new HashSet<>(order));
    for (int i = 0; i < order.size(); i++) {
      ClassReader r = new ClassReader(classes.get(order.get(i)));
      List<String> supers = new ArrayList<>();
      if (r.getSuperName() != null) {
        supers.add(r.getSuperName());
      }
      supers.addAll(Arrays.asList(r.getInterfaces()));
      assertEquals(supers, Premain.BootClasses.supertypes(classes.get(order.get(i))), order.get(i));
      for (String s : supers) {
        assertTrue(order.indexOf(s) < i, order.get(i) + " comes before its supertype " + s);
      }
    }
  }
}
