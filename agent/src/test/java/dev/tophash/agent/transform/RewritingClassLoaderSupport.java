package dev.tophash.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.CheckClassAdapter;

/** Helpers for checking the rewritten bytecode itself. */
final class RewritingClassLoaderSupport {
  private RewritingClassLoaderSupport() {}

  /**
   * Rewrites {@code new HashMap<>(4)} with the given site id, in place and by ASM, and checks the
   * pushed constant and the factory call.
   */
  static void assertPushes(int id) {
    assertPushes(id, true);
    assertPushes(id, false);
  }

  private static void assertPushes(int id, boolean inPlace) {
    ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    w.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, "gen/Push", null, "java/lang/Object", null);
    MethodVisitor mv = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "m",
        "()Ljava/lang/Object;", null, null);
    mv.visitCode();
    mv.visitTypeInsn(Opcodes.NEW, "java/util/HashMap");
    mv.visitInsn(Opcodes.DUP);
    mv.visitInsn(Opcodes.ICONST_4);
    mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/util/HashMap", "<init>", "(I)V", false);
    mv.visitInsn(Opcodes.ARETURN);
    mv.visitMaxs(0, 0);
    mv.visitEnd();
    w.visitEnd();
    SiteRegistry registry = (c, m, d, s, l, n) -> id;
    String target = "dev/tophash/map/TophashMap";
    byte[] out = (inPlace ? SiteTransformer.rewrite(w.toByteArray(), "x", target, registry)
        : SiteTransformer.rewriteWithAsm(w.toByteArray(), "x", target, registry)).bytes();
    ClassNode cn = new ClassNode();
    new ClassReader(out).accept(cn, 0);
    MethodNode m = cn.methods.get(0);
    AbstractInsnNode call = null;
    for (AbstractInsnNode i : m.instructions) {
      if (i instanceof MethodInsnNode) {
        call = i;
      }
    }
    AbstractInsnNode push = m.instructions.getFirst(); // the site is pushed where the NEW was
    while (push.getOpcode() < 0) {
      push = push.getNext();
    }
    int pushed;
    if (push instanceof LdcInsnNode) {
      pushed = (Integer) ((LdcInsnNode) push).cst;
    } else if (push instanceof IntInsnNode) {
      pushed = ((IntInsnNode) push).operand;
    } else {
      pushed = ((InsnNode) push).getOpcode() - Opcodes.ICONST_0;
    }
    assertEquals(id, pushed);
    // new HashMap<>(4) became the factory call constructAt(id, 4): no NEW, no DUP left
    assertEquals(Opcodes.INVOKESTATIC, call.getOpcode());
    assertEquals("constructAt", ((MethodInsnNode) call).name);
    assertEquals("(II)Ljava/util/HashMap;", ((MethodInsnNode) call).desc);
    for (AbstractInsnNode i : m.instructions) {
      assertNotEquals(Opcodes.NEW, i.getOpcode());
      assertNotEquals(Opcodes.DUP, i.getOpcode());
    }
    // in place the stack is one slot shallower than before; ASM adds two slots to be safe
    assertEquals(inPlace ? 3 : 5, m.maxStack, "maxStack");
    StringWriter err = new StringWriter();
    CheckClassAdapter.verify(new ClassReader(out), RewritingClassLoaderSupport.class.getClassLoader(),
        false, new PrintWriter(err));
    assertEquals("", err.toString());
  }
}
