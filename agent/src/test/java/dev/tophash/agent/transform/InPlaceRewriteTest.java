package dev.tophash.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.CheckClassAdapter;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceMethodVisitor;

/**
 * The in-place rewrite against ASM's, on real bytecode: for every class of a few JDK modules that
 * the in-place rewrite takes, it registers the same sites with the same lines in the same order,
 * and its methods are ASM's instruction for instruction (but for the NOP in the DUP's place and
 * the width of the push), and they pass ASM's verifier.
 */
class InPlaceRewriteTest {
  private static final String TARGET = "dev/tophash/map/TophashMap";
  private static final String[] MODULES = {"java.base", "java.sql", "java.logging", "java.net.http",
      "java.desktop", "jdk.compiler"};

  /** A registry that hands out ids from 30,000 (both push widths) and notes each site. */
  private static final class Recorded implements SiteRegistry {
    final List<String> sites = new ArrayList<>();

    @Override
    public int register(String className, String methodName, String methodDescriptor,
        String sourceFile, int line, String loaderName) {
      sites.add(className + "#" + methodName + methodDescriptor + ":" + line + " (" + sourceFile
          + ", " + loaderName + ")");
      return 32_760 + sites.size();
    }
  }

  /** What a corpus gave: classes rewritten in place, their sites, declined classes with sites. */
  private static final class Tally {
    int withSites;
    int inPlace;
    int sites;
    final List<String> declined = new ArrayList<>();
    final StringWriter problems = new StringWriter();

    /** Rewrites one class both ways and checks the in-place result against ASM's. */
    void compare(String name, byte[] b) {
      Recorded asmSites = new Recorded();
      SiteTransformer.Result asm = SiteTransformer.rewriteWithAsm(b, "boot", TARGET, asmSites);
      Recorded ourSites = new Recorded();
      SiteTransformer.Result ours = InPlaceRewrite.rewrite(b, "boot", TARGET, ourSites);
      if (asm.sites() > 0) {
        withSites++;
      }
      if (ours == InPlaceRewrite.DECLINED) {
        assertEquals(List.of(), ourSites.sites, name + ": declined after registering");
        if (asm.sites() > 0) {
          declined.add(name);
        }
        return;
      }
      if (!asm.skippedMethods().isEmpty() || asm.skipped()) {
        // ASM leaves methods too large to grow; in place they are rewritten: verify only
        if (ours.bytes() != null) {
          check(name, ours.bytes());
        }
        return;
      }
      assertEquals(asmSites.sites, ourSites.sites, name + ": sites");
      assertEquals(asm.sites(), ours.sites(), name);
      if (ours.bytes() == null) {
        assertNull(asm.bytes(), name + ": ASM rewrote what the in-place rewrite left");
        return;
      }
      inPlace++;
      sites += ours.sites();
      assertEquals(text(asm.bytes()), text(ours.bytes()), name);
      check(name, ours.bytes());
    }

    /**
     * ASM's verifier, which loads the classes the code names to check assignments, for the JDK;
     * for libraries, whose optional dependencies may be missing, the stack and local types of
     * every method without loading anything.
     */
    private void check(String name, byte[] b) {
      if (!name.contains(".jar!")) {
        verify(Path.of(name), b, problems);
        return;
      }
      ClassNode cn = new ClassNode();
      new ClassReader(b).accept(cn, 0);
      for (MethodNode m : cn.methods) {
        try {
          new org.objectweb.asm.tree.analysis.Analyzer<>(
              new org.objectweb.asm.tree.analysis.BasicVerifier()).analyze(cn.name, m);
        } catch (org.objectweb.asm.tree.analysis.AnalyzerException e) {
          problems.append(name).append(' ').append(m.name).append(m.desc).append(": ")
              .append(e.getMessage()).append('\n');
        }
      }
    }

    @Override
    public String toString() {
      return inPlace + " classes, " + sites + " sites in place; declined: " + declined.size()
          + " of " + withSites + " classes with sites";
    }
  }

  @Test
  void jdkClassesRewriteInPlaceExactlyAsAsmRewritesThem() throws IOException {
    Tally tally = new Tally();
    for (String module : MODULES) {
      for (Path p : JdkCorpusTest.classFiles(module)) {
        tally.compare(p.toString(), Files.readAllBytes(p));
      }
    }
    System.out.println("JDK: " + tally);
    assertEquals("", tally.problems.toString());
    assertTrue(tally.inPlace > 200 && tally.sites > tally.inPlace, tally.toString());
    // Most classes have only sites of the common shape; the rest go to ASM (JDK 17: 3 of 389;
    // JDK 25, which calls HashMap.newHashMap in many places: 28 of 372)
    assertTrue(tally.declined.size() * 5 < tally.withSites, tally + ": "
        + tally.declined.subList(0, Math.min(20, tally.declined.size())));
  }

  @Test
  void libraryClassesRewriteInPlaceExactlyAsAsmRewritesThem() throws IOException {
    // Bytecode from other compilers and other times: every jar on the test class path (JUnit,
    // ASM, HdrHistogram, Guava and the rest), compiled by their own builds.
    Tally tally = new Tally();
    int jars = 0;
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!entry.endsWith(".jar")) {
        continue;
      }
      jars++;
      try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry)) {
        for (java.util.Enumeration<java.util.jar.JarEntry> e = jar.entries();
            e.hasMoreElements(); ) {
          java.util.jar.JarEntry je = e.nextElement();
          if (je.getName().endsWith(".class") && !je.getName().endsWith("module-info.class")) {
            try (java.io.InputStream in = jar.getInputStream(je)) {
              tally.compare(entry + "!" + je.getName(), in.readAllBytes());
            }
          }
        }
      }
    }
    System.out.println("libraries (" + jars + " jars): " + tally);
    assertEquals("", tally.problems.toString());
    assertTrue(jars > 5 && tally.inPlace > 20, jars + " jars: " + tally);
  }

  @Test
  void aBranchInTheConstructorsArgumentsGoesToAsm() {
    // new HashMap<>(flag ? 16 : 64): the frame at the join names the uninitialised map
    byte[] b = generated(mv -> {
      Label other = new Label();
      Label join = new Label();
      mv.visitTypeInsn(Opcodes.NEW, "java/util/HashMap");
      mv.visitInsn(Opcodes.DUP);
      mv.visitVarInsn(Opcodes.ILOAD, 0);
      mv.visitJumpInsn(Opcodes.IFEQ, other);
      mv.visitIntInsn(Opcodes.BIPUSH, 16);
      mv.visitJumpInsn(Opcodes.GOTO, join);
      mv.visitLabel(other);
      mv.visitIntInsn(Opcodes.BIPUSH, 64);
      mv.visitLabel(join);
      mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/util/HashMap", "<init>", "(I)V", false);
      mv.visitInsn(Opcodes.ARETURN);
    });
    Recorded r = new Recorded();
    assertSame(InPlaceRewrite.DECLINED, InPlaceRewrite.rewrite(b, "x", TARGET, r));
    assertEquals(List.of(), r.sites);
    SiteTransformer.Result asm = SiteTransformer.rewrite(b, "x", TARGET, r);
    assertEquals(1, asm.sites(), "ASM keeps the NEW and rewrites it");
  }

  @Test
  void aBranchBeforeTheNewStaysInPlace() {
    // flag ? new HashMap<>(16) : null: the frames lie outside the allocation
    byte[] b = generated(mv -> {
      Label none = new Label();
      mv.visitVarInsn(Opcodes.ILOAD, 0);
      mv.visitJumpInsn(Opcodes.IFEQ, none);
      mv.visitTypeInsn(Opcodes.NEW, "java/util/HashMap");
      mv.visitInsn(Opcodes.DUP);
      mv.visitIntInsn(Opcodes.BIPUSH, 16);
      mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/util/HashMap", "<init>", "(I)V", false);
      mv.visitInsn(Opcodes.ARETURN);
      mv.visitLabel(none);
      mv.visitInsn(Opcodes.ACONST_NULL);
      mv.visitInsn(Opcodes.ARETURN);
    });
    Recorded r = new Recorded();
    SiteTransformer.Result ours = InPlaceRewrite.rewrite(b, "x", TARGET, r);
    assertEquals(1, ours.sites());
    assertEquals(text(SiteTransformer.rewriteWithAsm(b, "x", TARGET, new Recorded()).bytes()),
        text(ours.bytes()));
    StringWriter problems = new StringWriter();
    verify(Path.of("gen/InPlace"), ours.bytes(), problems);
    assertEquals("", problems.toString());
  }

  @Test
  void unreadableBytesAreDeclined() {
    byte[] b = generated(mv -> {
      mv.visitTypeInsn(Opcodes.NEW, "java/util/HashMap");
      mv.visitInsn(Opcodes.DUP);
      mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/util/HashMap", "<init>", "()V", false);
      mv.visitInsn(Opcodes.ARETURN);
    });
    for (int cut : new int[] {4, 9, b.length / 2, b.length - 1}) {
      Recorded r = new Recorded();
      assertSame(InPlaceRewrite.DECLINED,
          InPlaceRewrite.rewrite(java.util.Arrays.copyOf(b, cut), "x", TARGET, r), "cut " + cut);
      assertEquals(List.of(), r.sites);
    }
  }

  /** A class gen/InPlace with one static method {@code m(int)} whose body {@code body} writes. */
  private static byte[] generated(java.util.function.Consumer<MethodVisitor> body) {
    ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
    w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "gen/InPlace", null, "java/lang/Object", null);
    MethodVisitor mv = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "m",
        "(I)Ljava/lang/Object;", null, null);
    mv.visitCode();
    body.accept(mv);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
    w.visitEnd();
    return w.toByteArray();
  }

  private static void verify(Path p, byte[] b, StringWriter problems) {
    StringWriter one = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(b), InPlaceRewriteTest.class.getClassLoader(), false,
        new PrintWriter(one));
    if (one.getBuffer().length() > 0) {
      problems.append(p.toString()).append('\n')
          .append(one.toString(), 0, Math.min(2000, one.getBuffer().length()));
    }
  }

  private static final Pattern PUSH =
      Pattern.compile("^\\s*(?:ICONST_(M1|\\d)|BIPUSH (-?\\d+)|SIPUSH (-?\\d+)|LDC (-?\\d+))$");

  /**
   * Every method's instructions as ASM's Textifier prints them, without NOPs and the maximum stack
   * (which ASM raises), and with every int push written alike.
   */
  private static String text(byte[] b) {
    ClassNode cn = new ClassNode();
    new ClassReader(b).accept(cn, 0);
    StringBuilder out = new StringBuilder();
    for (MethodNode m : cn.methods) {
      Textifier t = new Textifier();
      m.accept(new TraceMethodVisitor(t));
      StringWriter sw = new StringWriter();
      t.print(new PrintWriter(sw));
      out.append(m.name).append(m.desc).append('\n');
      for (String line : sw.toString().split("\n")) {
        String s = line.strip();
        if (s.equals("NOP") || s.startsWith("MAXSTACK")) {
          continue;
        }
        Matcher push = PUSH.matcher(line);
        if (push.matches()) {
          String v = push.group(1) != null ? (push.group(1).equals("M1") ? "-1" : push.group(1))
              : push.group(2) != null ? push.group(2) : push.group(3) != null ? push.group(3)
              : push.group(4);
          s = "PUSH " + v;
        }
        out.append(s).append('\n');
      }
    }
    return out.toString();
  }
}
