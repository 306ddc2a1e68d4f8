package dev.tophash.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.map.MapSites;
import dev.tophash.map.TophashMap;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Class files the compiler of this build does not produce: Java 8 and Java 5 (no stack map
 * frames) versions, {@code HashMap.newHashMap} (Java 19+), methods near the size limit, and
 * shapes the rewrite does not expect.
 */
class UnusualClassFilesTest {
  private static final String TARGET = "dev/tophash/map/TophashMap";
  private static final String OLD_SOURCE = "package old;\n"
      + "import java.util.*;\n"
      + "public class Old implements java.util.function.Supplier<Map<String, Integer>> {\n"
      + "  public Map<String, Integer> get() {\n"
      + "    Map<String, Integer> m = new HashMap<String, Integer>(4);\n"
      + "    for (int i = 0; i < 3; i++) {\n"
      + "      m.put(\"k\" + i, i > 1 ? i : new HashMap<String, Integer>().size());\n"
      + "    }\n"
      + "    return m;\n"
      + "  }\n"
      + "}\n";

  /** Compiles {@link #OLD_SOURCE} with {@code --release 8} in memory. */
  static byte[] compileRelease8() {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream classFile = new ByteArrayOutputStream();
    StandardJavaFileManager std = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
    JavaFileManager fm = new ForwardingJavaFileManager<StandardJavaFileManager>(std) {
      @Override
      public JavaFileObject getJavaFileForOutput(Location location, String className,
          JavaFileObject.Kind kind, FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + className + ".class"), kind) {
          @Override
          public OutputStream openOutputStream() {
            return classFile;
          }
        };
      }
    };
    JavaFileObject src = new SimpleJavaFileObject(URI.create("string:///old/Old.java"),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return OLD_SOURCE;
      }
    };
    boolean ok = javac.getTask(null, fm, null, List.of("--release", "8", "-Xlint:-options"), null,
        List.of(src)).call();
    assertTrue(ok, "javac --release 8 failed");
    return classFile.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Integer> run(byte[] classFile, RewritingClassLoader loader)
      throws Exception {
    loader.add("old.Old", classFile);
    Class<?> c = loader.loadClass("old.Old");
    return ((Supplier<Map<String, Integer>>) c.getConstructor().newInstance()).get();
  }

  @Test
  void java8ClassFile() throws Exception {
    byte[] b = compileRelease8();
    assertEquals(52, new ClassReader(b).readShort(6));
    RewritingClassLoader loader = new RewritingClassLoader("old.");
    Map<String, Integer> m = run(b, loader);
    assertSame(TophashMap.class, m.getClass());
    assertEquals(Map.of("k0", 0, "k1", 0, "k2", 2), m);
    assertEquals(2, loader.registrations.size());
    assertEquals(5, MapSites.site(((TophashMap<?, ?>) m).site()).line());
    assertEquals("", loader.verifyAll());
  }

  @Test
  void java5ClassFileWithoutFrames() throws Exception {
    ClassReader r = new ClassReader(compileRelease8());
    ClassWriter w = new ClassWriter(0);
    r.accept(new ClassVisitor(Opcodes.ASM9, w) {
      @Override
      public void visit(int version, int access, String name, String signature, String superName,
          String[] interfaces) {
        super.visit(Opcodes.V1_5, access, name, signature, superName, interfaces);
      }
    }, ClassReader.SKIP_FRAMES);
    RewritingClassLoader loader = new RewritingClassLoader("old.");
    Map<String, Integer> m = run(w.toByteArray(), loader);
    assertSame(TophashMap.class, m.getClass());
    assertEquals(3, m.size());
    assertEquals("", loader.verifyAll());
  }

  /** A class whose static {@code make()} calls {@code HashMap.newHashMap(5)}. */
  static byte[] newHashMapCaller() {
    ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "gen/NewHashMap", null, "java/lang/Object", null);
    w.visitSource("NewHashMap.java", null);
    MethodVisitor mv = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "make",
        "()Ljava/util/HashMap;", null, null);
    mv.visitCode();
    Label l = new Label();
    mv.visitLabel(l);
    mv.visitLineNumber(42, l);
    mv.visitInsn(Opcodes.ICONST_5);
    mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/HashMap", "newHashMap",
        "(I)Ljava/util/HashMap;", false);
    mv.visitInsn(Opcodes.ARETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
    w.visitEnd();
    return w.toByteArray();
  }

  @Test
  void newHashMapFactory() throws Exception {
    RewritingClassLoader loader = new RewritingClassLoader("gen.");
    loader.add("gen.NewHashMap", newHashMapCaller());
    Object m = loader.loadClass("gen.NewHashMap").getMethod("make").invoke(null);
    assertSame(TophashMap.class, m.getClass());
    assertEquals(42, MapSites.site(((TophashMap<?, ?>) m).site()).line());
    assertEquals("make", MapSites.site(((TophashMap<?, ?>) m).site()).methodName());
    assertEquals("", loader.verifyAll());
  }

  @Test
  void methodNearTheSizeLimitIsRewrittenInPlaceOrLeftAloneByAsm() {
    ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "gen/Huge", null, "java/lang/Object", null);
    MethodVisitor mv = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "huge",
        "()Ljava/lang/Object;", null, null);
    mv.visitCode();
    for (int i = 0; i < 40_000; i++) {
      mv.visitInsn(Opcodes.NOP);
    }
    mv.visitTypeInsn(Opcodes.NEW, "java/util/HashMap");
    mv.visitInsn(Opcodes.DUP);
    mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/util/HashMap", "<init>", "()V", false);
    mv.visitInsn(Opcodes.ARETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
    w.visitEnd();
    SiteTransformer.Result asm = SiteTransformer.rewriteWithAsm(w.toByteArray(), "x", TARGET,
        (c, m, d, s, l, n) -> {
          throw new AssertionError("registered a site of a skipped class");
        });
    assertNull(asm.bytes());
    assertTrue(asm.skipped());
    assertTrue(asm.skipReason().contains("too large"), asm.skipReason());
    // in place, the code keeps its size: the site is rewritten
    SiteTransformer.Result r = SiteTransformer.rewrite(w.toByteArray(), "x", TARGET,
        (c, m, d, s, l, n) -> 7);
    assertEquals(1, r.sites());
    StringWriter err = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(r.bytes()), getClass().getClassLoader(), false,
        new PrintWriter(err));
    assertEquals("", err.toString());
  }

  @Test
  void newWithoutConstructorCallIsLeftAlone() {
    ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    w.visit(Opcodes.V1_5, Opcodes.ACC_PUBLIC, "gen/Odd", null, "java/lang/Object", null);
    MethodVisitor mv = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "odd", "()V", null,
        null);
    mv.visitCode();
    mv.visitTypeInsn(Opcodes.NEW, "java/util/HashMap");
    mv.visitInsn(Opcodes.POP);
    mv.visitInsn(Opcodes.RETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
    w.visitEnd();
    SiteTransformer.Result r = SiteTransformer.rewrite(w.toByteArray(), "x", TARGET,
        (c, m, d, s, l, n) -> 1);
    assertNull(r.bytes());
    assertTrue(r.skipped(), "skipped");
  }

  @Test
  void oneNewConsumedOnTwoPathsIsLeftAlone() {
    ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    w.visit(Opcodes.V1_5, Opcodes.ACC_PUBLIC, "gen/TwoPaths", null, "java/lang/Object", null);
    MethodVisitor mv = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "m",
        "(Z)Ljava/lang/Object;", null, null);
    mv.visitCode();
    Label other = new Label();
    Label done = new Label();
    mv.visitTypeInsn(Opcodes.NEW, "java/util/HashMap");
    mv.visitInsn(Opcodes.DUP);
    mv.visitVarInsn(Opcodes.ILOAD, 0);
    mv.visitJumpInsn(Opcodes.IFEQ, other);
    mv.visitIntInsn(Opcodes.BIPUSH, 32);
    mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/util/HashMap", "<init>", "(I)V", false);
    mv.visitJumpInsn(Opcodes.GOTO, done);
    mv.visitLabel(other);
    mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/util/HashMap", "<init>", "()V", false);
    mv.visitLabel(done);
    mv.visitInsn(Opcodes.ARETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
    w.visitEnd();
    SiteTransformer.Result r = SiteTransformer.rewrite(w.toByteArray(), "x", TARGET,
        (c, m, d, s, l, n) -> 1);
    assertNull(r.bytes());
    assertTrue(r.skipped(), "a shape javac never emits is left alone");
  }

  @Test
  void jsrAndRetInAnOldClassFile() throws Exception {
    ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    w.visit(Opcodes.V1_4, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/Jsr", null,
        "java/lang/Object", null);
    MethodVisitor mv = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "make",
        "()Ljava/lang/Object;", null, null);
    mv.visitCode();
    Label sub = new Label();
    mv.visitTypeInsn(Opcodes.NEW, "java/util/HashMap");
    mv.visitInsn(Opcodes.DUP);
    mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/util/HashMap", "<init>", "()V", false);
    mv.visitVarInsn(Opcodes.ASTORE, 0);
    mv.visitJumpInsn(Opcodes.JSR, sub);
    mv.visitVarInsn(Opcodes.ALOAD, 0);
    mv.visitInsn(Opcodes.ARETURN);
    mv.visitLabel(sub);
    mv.visitVarInsn(Opcodes.ASTORE, 1);
    mv.visitVarInsn(Opcodes.ALOAD, 0);
    mv.visitTypeInsn(Opcodes.CHECKCAST, "java/util/Map");
    mv.visitLdcInsn("finally");
    mv.visitInsn(Opcodes.ICONST_1);
    mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf",
        "(I)Ljava/lang/Integer;", false);
    mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, "java/util/Map", "put",
        "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", true);
    mv.visitInsn(Opcodes.POP);
    mv.visitVarInsn(Opcodes.RET, 1);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
    w.visitEnd();
    RewritingClassLoader loader = new RewritingClassLoader("gen.");
    loader.add("gen.Jsr", w.toByteArray());
    Object m = loader.loadClass("gen.Jsr").getMethod("make").invoke(null);
    assertSame(TophashMap.class, m.getClass());
    assertEquals(Map.of("finally", 1), m);
  }

  @Test
  void garbageIsLeftAlone() {
    byte[] junk = ("\u00ca\u00fe\u00ba\u00be junk java/util/HashMap junk").getBytes(StandardCharsets.ISO_8859_1);
    SiteTransformer.Result r = SiteTransformer.rewrite(junk, "x", TARGET, (c, m, d, s, l, n) -> 1);
    assertNull(r.bytes());
    assertTrue(r.skipped());
    assertNotNull(r.skipReason());
  }

  @Test
  void siteIdsOfEverySizeArePushed() {
    for (int id : new int[] {0, 5, 6, 127, 128, 32767, 32768, Integer.MAX_VALUE}) {
      RewritingClassLoaderSupport.assertPushes(id);
    }
  }
}
