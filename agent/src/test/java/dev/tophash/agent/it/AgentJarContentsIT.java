package dev.tophash.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

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
}
