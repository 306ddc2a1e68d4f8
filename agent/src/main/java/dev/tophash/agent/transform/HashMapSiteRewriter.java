package dev.tophash.agent.transform;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.CodeSizeEvaluator;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * The method visitor that rewrites the {@code java.util.HashMap} allocation sites of one method
 * to allocate a sited subclass ({@code TophashMap} or {@code RecordingHashMap}).
 *
 * <p>Three shapes are rewritten:
 * <ul>
 *   <li>{@code NEW java/util/HashMap DUP args INVOKESPECIAL java/util/HashMap.<init>(args)}
 *       becomes {@code <site> args INVOKESTATIC T.constructAt(int, args)}: a factory, so that a map
 *       that map sampling leaves untracked can be a plain {@code HashMap}. (This is the form
 *       {@link InPlaceRewrite} writes without ASM, in the bytes the NEW and DUP took.) When the constructor's
 *       arguments hold a stack map frame (a branch, as in {@code new HashMap<>(c ? 16 : 64)}),
 *       that frame names the uninitialised object, so the NEW stays and becomes
 *       {@code NEW T ... <site> INVOKESPECIAL T.<init>(args, int)} instead; the no-argument
 *       constructor then becomes {@code ACONST_NULL <site> INVOKESPECIAL T.<init>(Void, int)}.
 *       Each NEW is paired with the constructor call that consumes it by keeping the pending NEWs
 *       of every type on a stack, since allocations nest last-in first-out ({@code new
 *       HashMap<>(new HashMap<>())}). A constructor call with no pending NEW is a
 *       {@code super(...)} or {@code this(...)} call and stays; {@code new HashMap<>() {{ }}} is a
 *       NEW of the anonymous class and stays; so do {@code LinkedHashMap} and every other
 *       type.</li>
 *   <li>{@code INVOKESTATIC java/util/HashMap.newHashMap(I)} becomes
 *       {@code <site> INVOKESTATIC T.newHashMapAt(II)}.</li>
 *   <li>A {@code HashMap::new} constructor reference ({@code invokedynamic} through
 *       {@code LambdaMetafactory.metafactory} with a {@code REF_newInvokeSpecial} handle on
 *       {@code HashMap.<init>}) captures the site: {@code <site>} is pushed before the
 *       {@code invokedynamic}, whose descriptor gains a leading {@code I}, and the handle becomes
 *       {@code REF_invokeStatic T.constructAt(I, args)}. The functional interface and the
 *       instantiated type stay.</li>
 * </ul>
 *
 * <p>In the NEW form the site id is pushed immediately before the call, after any label, so no
 * branch lands between the push and the call and the existing stack map frames stay valid; frames
 * refer to an uninitialised object by the label of its NEW, not by its type. In the factory form
 * the push takes the NEW's place, and no frame lies between it and the call. {@code maxStack}
 * grows by two. Nothing here loads a class.
 *
 * <p>The method is buffered (this is a {@link MethodNode}). At its end the rewriter first plans
 * (pairs every site, or throws {@link UnexpectedShapeException} when the bytecode does not have
 * the shape this relies on), and only then registers the sites and rewrites. A method that would
 * grow past 32 KB, where a 16-bit branch offset could overflow, keeps its sites as they are
 * ({@link #skippedBecause()}); the JVM's own limit is 64 KB. Standing alone, with a {@code next}
 * visitor, it does both and forwards the method at its end; inside
 * {@link SiteRewritingClassVisitor} the class visitor drives it, so that nothing is registered for
 * a class that is left alone.
 */
public final class HashMapSiteRewriter extends MethodNode {
  /** The internal name of the class whose allocations are rewritten. */
  public static final String HASH_MAP = "java/util/HashMap";
  /** A method this large is left alone: growing it might overflow a 16-bit branch offset. */
  static final int MAX_CODE_SIZE = 32767;
  private static final String METAFACTORY_OWNER = "java/lang/invoke/LambdaMetafactory";

  private final MethodVisitor next;
  private final Context context;
  private List<Site> plan;
  private String skippedBecause;

  /** What the rewriter needs to know about the class and the run. */
  public static final class Context {
    final String className;
    final String superName;
    final String sourceFile;
    final String loaderName;
    final String target;
    final SiteRegistry registry;

    /**
     * Creates a context.
     *
     * @param className the internal name of the class being rewritten
     * @param superName the internal name of its superclass, or null
     * @param sourceFile its SourceFile attribute, or null
     * @param loaderName the name of its defining loader
     * @param target the internal name of the sited HashMap subclass to allocate
     * @param registry where sites are registered
     */
    public Context(String className, String superName, String sourceFile, String loaderName,
        String target, SiteRegistry registry) {
      this.className = className;
      this.superName = superName;
      this.sourceFile = sourceFile;
      this.loaderName = loaderName;
      this.target = target;
      this.registry = registry;
    }
  }

  /** Thrown by {@link #plan()} when a method does not have a shape the rewrite relies on. */
  public static final class UnexpectedShapeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnexpectedShapeException(String message) {
      super(message, null, false, false);
    }
  }

  /** One planned rewrite; {@code anchor} is where the site's line is read. */
  private static final class Site {
    final AbstractInsnNode anchor;
    final TypeInsnNode newInsn;
    final AbstractInsnNode call;
    final int line;
    /** For a NEW site: whether it becomes a factory call ({@link #factoryShape}). */
    final boolean factory;

    Site(AbstractInsnNode anchor, TypeInsnNode newInsn, AbstractInsnNode call, int line) {
      this.anchor = anchor;
      this.newInsn = newInsn;
      this.call = call;
      this.line = line;
      this.factory = newInsn != null && factoryShape(newInsn, call);
    }
  }

  /**
   * Creates a rewriter for one method.
   *
   * @param next where the (rewritten) method goes when it ends, or null when a class visitor
   *     drives the rewriter
   */
  public HashMapSiteRewriter(int access, String name, String descriptor, String signature,
      String[] exceptions, MethodVisitor next, Context context) {
    super(Opcodes.ASM9, access, name, descriptor, signature, exceptions);
    this.next = next;
    this.context = context;
  }

  @Override
  public void visitEnd() {
    super.visitEnd();
    if (next != null) {
      plan();
      apply();
      accept(next);
    }
  }

  /** Why this method's sites were left alone (it is too large), or null. */
  public String skippedBecause() {
    return skippedBecause;
  }

  /** The number of sites the plan holds (after {@link #plan()}). */
  public int plannedSites() {
    return plan == null ? 0 : plan.size();
  }

  /**
   * Finds every site of this method and checks that it can be rewritten.
   *
   * @return the number of sites found
   * @throws UnexpectedShapeException if the method must be left alone
   */
  public int plan() {
    plan = new ArrayList<>();
    if (!hasCandidate(instructions)) {
      return 0;
    }
    Deque<TypeInsnNode> pending = new ArrayDeque<>();
    Map<TypeInsnNode, Integer> newLines = new IdentityHashMap<>();
    int line = -1;
    for (AbstractInsnNode insn = instructions.getFirst(); insn != null; insn = insn.getNext()) {
      switch (insn.getType()) {
        case AbstractInsnNode.LINE:
          line = ((LineNumberNode) insn).line;
          break;
        case AbstractInsnNode.TYPE_INSN:
          if (insn.getOpcode() == Opcodes.NEW) {
            pending.push((TypeInsnNode) insn);
            newLines.put((TypeInsnNode) insn, line);
          }
          break;
        case AbstractInsnNode.METHOD_INSN:
          planCall((MethodInsnNode) insn, pending, newLines, line);
          break;
        case AbstractInsnNode.INVOKE_DYNAMIC_INSN:
          if (isConstructorReference((InvokeDynamicInsnNode) insn)) {
            plan.add(new Site(insn, null, insn, line));
          }
          break;
        default:
          break;
      }
    }
    for (TypeInsnNode n : pending) {
      if (HASH_MAP.equals(n.desc)) {
        throw new UnexpectedShapeException("NEW java/util/HashMap without its constructor call in "
            + name + desc);
      }
    }
    if (!plan.isEmpty()) {
      CodeSizeEvaluator size = new CodeSizeEvaluator(null);
      instructions.accept(size);
      if (size.getMaxSize() + 5 * plan.size() > MAX_CODE_SIZE) {
        // this method stays as it is; the rest of the class is still rewritten
        skippedBecause = name + desc + " is too large to grow (" + size.getMaxSize() + " bytes)";
        plan.clear();
        return 0;
      }
      plan.sort(new Comparator<Site>() {
        @Override
        public int compare(Site a, Site b) {
          return Integer.compare(instructions.indexOf(a.anchor), instructions.indexOf(b.anchor));
        }
      });
    }
    return plan.size();
  }

  private void planCall(MethodInsnNode call, Deque<TypeInsnNode> pending,
      Map<TypeInsnNode, Integer> newLines, int line) {
    if (call.getOpcode() == Opcodes.INVOKESPECIAL && call.name.equals("<init>")) {
      if (pending.isEmpty()) {
        if (HASH_MAP.equals(call.owner)
            && !(name.equals("<init>") && HASH_MAP.equals(context.superName))) {
          // only a constructor of a direct subclass may call HashMap.<init> without a NEW; any
          // other such call consumes a NEW that LIFO pairing gave to another call
          throw new UnexpectedShapeException("HashMap.<init> without a pending NEW in "
              + name + desc);
        }
        return; // super(...) or this(...): not an allocation
      }
      TypeInsnNode top = pending.peek();
      if (!top.desc.equals(call.owner)) {
        if (HASH_MAP.equals(call.owner) || containsHashMapNew(pending)) {
          throw new UnexpectedShapeException("constructor call of " + call.owner
              + " does not match the pending NEW " + top.desc + " in " + name + desc);
        }
        return; // a super(...) call while other allocations are pending: not ours
      }
      pending.pop();
      if (HASH_MAP.equals(call.owner)) {
        if (sitedConstructor(call.desc) == null) {
          throw new UnexpectedShapeException("unknown HashMap constructor " + call.desc);
        }
        plan.add(new Site(top, top, call, newLines.get(top)));
      }
    } else if (call.getOpcode() == Opcodes.INVOKESTATIC && HASH_MAP.equals(call.owner)
        && call.name.equals("newHashMap") && call.desc.equals("(I)Ljava/util/HashMap;")) {
      plan.add(new Site(call, null, call, line));
    }
  }

  /**
   * Whether a NEW site can become one factory call: its NEW is followed by a DUP, and no stack map
   * frame lies between them and the constructor call (such a frame would name the uninitialised
   * object, which the factory form no longer allocates).
   */
  static boolean factoryShape(TypeInsnNode newInsn, AbstractInsnNode call) {
    AbstractInsnNode dup = newInsn.getNext();
    if (dup == null || dup.getOpcode() != Opcodes.DUP) {
      return false;
    }
    for (AbstractInsnNode i = dup.getNext(); i != call; i = i.getNext()) {
      if (i == null || i.getType() == AbstractInsnNode.FRAME) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsHashMapNew(Deque<TypeInsnNode> pending) {
    for (TypeInsnNode n : pending) {
      if (HASH_MAP.equals(n.desc)) {
        return true;
      }
    }
    return false;
  }

  /** Registers the planned sites, in bytecode order, and rewrites them. */
  public void apply() {
    if (plan == null || plan.isEmpty()) {
      return;
    }
    String target = context.target;
    for (Site s : plan) {
      int id = context.registry.register(context.className, name, desc, context.sourceFile,
          s.line, context.loaderName);
      if (s.factory) {
        MethodInsnNode init = (MethodInsnNode) s.call;
        instructions.remove(s.newInsn.getNext()); // the DUP
        instructions.set(s.newInsn, pushInt(id));
        instructions.set(init, new MethodInsnNode(Opcodes.INVOKESTATIC, target, "constructAt",
            factoryDescriptor(init.desc), false));
      } else if (s.newInsn != null) {
        MethodInsnNode init = (MethodInsnNode) s.call;
        InsnList push = new InsnList();
        if (init.desc.equals("()V")) {
          push.add(new InsnNode(Opcodes.ACONST_NULL));
        }
        push.add(pushInt(id));
        instructions.insertBefore(init, push);
        s.newInsn.desc = target;
        init.owner = target;
        init.desc = sitedConstructor(init.desc);
      } else if (s.call instanceof MethodInsnNode) {
        MethodInsnNode call = (MethodInsnNode) s.call;
        instructions.insertBefore(call, pushInt(id));
        call.owner = target;
        call.name = "newHashMapAt";
        call.desc = "(II)Ljava/util/HashMap;";
        call.itf = false;
      } else {
        InvokeDynamicInsnNode indy = (InvokeDynamicInsnNode) s.call;
        Handle h = (Handle) indy.bsmArgs[1];
        Object[] args = indy.bsmArgs.clone();
        String params = h.getDesc().substring(1, h.getDesc().indexOf(')'));
        args[1] = new Handle(Opcodes.H_INVOKESTATIC, target, "constructAt",
            "(I" + params + ")Ljava/util/HashMap;", false);
        InvokeDynamicInsnNode rewritten = new InvokeDynamicInsnNode(indy.name,
            "(I" + indy.desc.substring(1), indy.bsm, args);
        instructions.insertBefore(indy, pushInt(id));
        instructions.set(indy, rewritten);
      }
    }
    maxStack += 2;
  }

  /** The descriptor of the sited constructor for a HashMap constructor, or null if unknown. */
  static String sitedConstructor(String desc) {
    switch (desc) {
      case "()V":
        return "(Ljava/lang/Void;I)V";
      case "(I)V":
        return "(II)V";
      case "(IF)V":
        return "(IFI)V";
      case "(Ljava/util/Map;)V":
        return "(Ljava/util/Map;I)V";
      default:
        return null;
    }
  }

  /** The descriptor of the sited factory {@code constructAt} for a HashMap constructor's. */
  static String factoryDescriptor(String constructorDesc) {
    return "(I" + constructorDesc.substring(1, constructorDesc.length() - 1) + "Ljava/util/HashMap;";
  }

  /** Whether an invokedynamic is {@code HashMap::new} through the plain metafactory. */
  static boolean isConstructorReference(InvokeDynamicInsnNode indy) {
    if (!METAFACTORY_OWNER.equals(indy.bsm.getOwner()) || !"metafactory".equals(indy.bsm.getName())
        || indy.bsmArgs.length < 3 || !(indy.bsmArgs[1] instanceof Handle)) {
      return false;
    }
    Handle h = (Handle) indy.bsmArgs[1];
    return h.getTag() == Opcodes.H_NEWINVOKESPECIAL && HASH_MAP.equals(h.getOwner())
        && "<init>".equals(h.getName()) && sitedConstructor(h.getDesc()) != null
        // captured arguments would sit between the site and the constructor's own parameters
        && Type.getArgumentTypes(indy.desc).length == 0;
  }

  /** Whether the list holds anything that may be a site, before any pairing work. */
  static boolean hasCandidate(InsnList insns) {
    for (AbstractInsnNode insn = insns.getFirst(); insn != null; insn = insn.getNext()) {
      int op = insn.getOpcode();
      if (op == Opcodes.NEW && HASH_MAP.equals(((TypeInsnNode) insn).desc)) {
        return true;
      }
      if (op == Opcodes.INVOKESTATIC && HASH_MAP.equals(((MethodInsnNode) insn).owner)) {
        return true;
      }
      if (op == Opcodes.INVOKEDYNAMIC && isConstructorReference((InvokeDynamicInsnNode) insn)) {
        return true;
      }
    }
    return false;
  }

  /** The smallest instruction that pushes {@code value}. */
  static AbstractInsnNode pushInt(int value) {
    if (value >= -1 && value <= 5) {
      return new InsnNode(Opcodes.ICONST_0 + value);
    }
    if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
      return new IntInsnNode(Opcodes.BIPUSH, value);
    }
    if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
      return new IntInsnNode(Opcodes.SIPUSH, value);
    }
    return new LdcInsnNode(value);
  }
}
