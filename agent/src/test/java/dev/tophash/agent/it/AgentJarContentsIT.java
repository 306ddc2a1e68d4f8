package dev.tophash.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;
import org.objectweb.asm.tree.ClassNode;

/** The shipped jar: only our packages, the manifest, the nested bootstrap jar, no stray references. */
class AgentJarContentsIT {
  private static final String[] UNRELOCATED = {
      "org/objectweb/asm/", "net/bytebuddy/", "org/HdrHistogram/", "com/fasterxml/jackson/"};

  @Test
  void everyEntryIsOurs() throws IOException {
    List<String> strays = new ArrayList<>();
    try (JarFile jar = new JarFile(Jvm.agentJar().toFile())) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        String n = e.nextElement().getName();
        if (!n.startsWith("dev/tophash/") && !n.startsWith("META-INF/") && !n.equals("dev/")) {
          strays.add(n);
        }
        assertFalse(n.endsWith("module-info.class"), n);
        assertFalse(n.startsWith("META-INF/maven/"), n);
        assertFalse(n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA"), n);
        assertFalse(n.startsWith("dev/tophash/map/"), "map classes belong in the bootstrap jar: " + n);
      }
    }
    assertEquals(List.of(), strays);
  }

  @Test
  void manifest() throws IOException {
    try (JarFile jar = new JarFile(Jvm.agentJar().toFile())) {
      Attributes a = jar.getManifest().getMainAttributes();
      assertEquals("dev.tophash.agent.Premain", a.getValue("Premain-Class"));
      assertEquals("dev.tophash.agent.Premain", a.getValue("Agent-Class"));
      assertEquals("dev.tophash.agent.Premain", a.getValue("Main-Class"));
      assertEquals("true", a.getValue("Can-Redefine-Classes"));
      assertEquals("true", a.getValue("Can-Retransform-Classes"));
    }
  }

  @Test
  void nestedBootstrapJarAndShadedLibraries() throws IOException {
    try (JarFile jar = new JarFile(Jvm.agentJar().toFile())) {
      assertNotNull(jar.getEntry("dev/tophash/agent/tophash-bootstrap.jar"));
      assertNotNull(jar.getEntry("dev/tophash/agent/shaded/asm/ClassReader.class"));
      assertNotNull(jar.getEntry("dev/tophash/reports/ReportWriter.class"));
    }
  }

  @Test
  void noClassReferencesAnUnrelocatedPackage() throws IOException {
    int classes = 0;
    try (JarFile jar = new JarFile(Jvm.agentJar().toFile())) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (!entry.getName().endsWith(".class")) {
          continue;
        }
        classes++;
        byte[] b;
        try (InputStream in = jar.getInputStream(entry)) {
          b = in.readAllBytes();
        }
        String text = new String(b, StandardCharsets.ISO_8859_1);
        for (String p : UNRELOCATED) {
          assertFalse(text.contains(p), entry.getName() + " refers to " + p);
        }
      }
    }
    assertTrue(classes > 100, "classes in the agent jar: " + classes);
  }

  /**
   * The bootstrap jar carries only the part of HdrHistogram that tophash's code reaches (its
   * shade filter lists it): every class a shipped class refers to, in either jar, must be shipped.
   */
  @Test
  void everyReferencedClassOfOursIsShipped() throws IOException {
    Map<String, byte[]> shipped = new HashMap<>();
    try (JarFile jar = new JarFile(Jvm.agentJar().toFile())) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        try (InputStream in = jar.getInputStream(entry)) {
          if (entry.getName().endsWith(".class")) {
            shipped.put(entry.getName(), in.readAllBytes());
          } else if (entry.getName().equals("dev/tophash/agent/tophash-bootstrap.jar")) {
            readClasses(in.readAllBytes(), shipped);
          }
        }
      }
    }
    Set<String> missing = new TreeSet<>();
    for (Map.Entry<String, byte[]> c : shipped.entrySet()) {
      Remapper references = new Remapper() {
        @Override
        public String map(String internalName) {
          if (internalName.startsWith("dev/tophash/")
              && !shipped.containsKey(internalName + ".class")) {
            missing.add(internalName + " (from " + c.getKey() + ")");
          }
          return internalName;
        }
      };
      // Into a ClassNode, which visits every method body (a bare ClassVisitor would skip them).
      new ClassReader(c.getValue()).accept(new ClassRemapper(new ClassNode(), references), 0);
    }
    assertEquals(Set.of(), missing);
    assertTrue(shipped.containsKey("dev/tophash/map/shaded/hdrhistogram/Histogram.class"));
    assertFalse(shipped.containsKey("dev/tophash/map/shaded/hdrhistogram/Recorder.class"),
        "HdrHistogram classes tophash never uses are left out of the bootstrap jar");
  }

  private static void readClasses(byte[] jar, Map<String, byte[]> into) throws IOException {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
          into.put(e.getName(), in.readAllBytes());
        }
      }
    }
  }
}
