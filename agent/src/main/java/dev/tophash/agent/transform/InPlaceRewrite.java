package dev.tophash.agent.transform;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The rewrite of the common case on the class file's bytes, without ASM: each
 * {@code NEW java/util/HashMap DUP args INVOKESPECIAL java/util/HashMap.<init>(args)} becomes
 * {@code SIPUSH site NOP args INVOKESTATIC T.constructAt(int, args)}, the very instructions
 * {@link HashMapSiteRewriter}'s factory form writes (it pushes the site with the smallest
 * instruction and has no NOP). The push and the NOP take exactly the 4 bytes of the NEW and the
 * DUP, and the call the 3 bytes of the constructor call, so no offset moves: branches, exception
 * tables, line and local variable tables and stack map frames stay as they are. The constant
 * pool gets the factory's entries appended, and sites above 32767 an {@code Integer} each, pushed
 * with {@code LDC_W}. The stack is one slot shallower than before between the push and the call,
 * so {@code max_stack} holds.
 *
 * <p>Class loading with the agent mostly pays for this path: a class with sites is read once,
 * with no trees, no visitors and no second encoding, which matters most in a cold JVM, where
 * ASM's rewrite costs about 2 ms a class before it is compiled.
 *
 * <p>It declines ({@link #DECLINED}), and {@link SiteTransformer} hands the class to ASM, for
 * anything else: a stack map frame between a NEW and its constructor call (its constructor
 * arguments branch, and the frame names the uninitialised object), a NEW not followed by DUP,
 * {@code HashMap.newHashMap} or a method handle on HashMap, an unknown constructor, a pairing
 * of NEWs and constructor calls that ASM's planner would refuse, a constant pool too full, or a
 * class file it does not understand. The sites are registered only once the class is known to be
 * rewritable, in the order ASM's rewrite registers them, with the same lines.
 */
final class InPlaceRewrite {
  /** What {@link #rewrite} returns when the class needs ASM's rewrite. */
  static final SiteTransformer.Result DECLINED = new SiteTransformer.Result(null, 0, null);

  private static final int NEW = 0xBB;
  private static final int DUP = 0x59;
  private static final int NOP = 0x00;
  private static final int SIPUSH = 0x11;
  private static final int LDC_W = 0x13;
  private static final int INVOKESPECIAL = 0xB7;
  private static final int INVOKESTATIC = 0xB8;
  private static final int TABLESWITCH = 0xAA;
  private static final int LOOKUPSWITCH = 0xAB;
  private static final int WIDE = 0xC4;
  private static final int IINC = 0x84;

  /** The length of each fixed-length instruction by opcode; 0 for variable or undefined ones. */
  private static final byte[] LENGTH = new byte[256];

  static {
    fill(0x00, 0x0F, 1); // nop .. dconst_1
    fill(0x10, 0x10, 2); // bipush
    fill(0x11, 0x11, 3); // sipush
    fill(0x12, 0x12, 2); // ldc
    fill(0x13, 0x14, 3); // ldc_w, ldc2_w
    fill(0x15, 0x19, 2); // iload .. aload
    fill(0x1A, 0x35, 1); // iload_0 .. saload
    fill(0x36, 0x3A, 2); // istore .. astore
    fill(0x3B, 0x83, 1); // istore_0 .. lxor
    fill(0x84, 0x84, 3); // iinc
    fill(0x85, 0x98, 1); // i2l .. dcmpg
    fill(0x99, 0xA8, 3); // ifeq .. jsr
    fill(0xA9, 0xA9, 2); // ret
    fill(0xAC, 0xB1, 1); // ireturn .. return
    fill(0xB2, 0xB8, 3); // getstatic .. invokestatic
    fill(0xB9, 0xBA, 5); // invokeinterface, invokedynamic
    fill(0xBB, 0xBB, 3); // new
    fill(0xBC, 0xBC, 2); // newarray
    fill(0xBD, 0xBD, 3); // anewarray
    fill(0xBE, 0xBF, 1); // arraylength, athrow
    fill(0xC0, 0xC1, 3); // checkcast, instanceof
    fill(0xC2, 0xC3, 1); // monitorenter, monitorexit
    fill(0xC5, 0xC5, 4); // multianewarray
    fill(0xC6, 0xC7, 3); // ifnull, ifnonnull
    fill(0xC8, 0xC9, 5); // goto_w, jsr_w
  }

  private static void fill(int from, int to, int length) {
    Arrays.fill(LENGTH, from, to + 1, (byte) length);
  }

  /** HashMap's constructor descriptors, in the order of {@link #FACTORIES}. */
  private static final String[] CONSTRUCTORS = {"()V", "(I)V", "(IF)V", "(Ljava/util/Map;)V"};
  /** The factory descriptor for each constructor. */
  private static final String[] FACTORIES = new String[CONSTRUCTORS.length];

  static {
    for (int i = 0; i < CONSTRUCTORS.length; i++) {
      FACTORIES[i] = HashMapSiteRewriter.factoryDescriptor(CONSTRUCTORS[i]);
    }
  }

  /** Thrown inside this class to decline; never escapes. */
  private static final class Decline extends Exception {
    private static final long serialVersionUID = 1L;

    Decline() {
      super(null, null, false, false);
    }
  }

  private static final Decline DECLINE = new Decline();

  private final byte[] b;
  /** Offset of each constant pool entry's tag byte; 0 for the unusable slots. */
  private int[] cp;
  private int cpEnd;
  /** Class entries naming java/util/HashMap. */
  private boolean[] hashMapClass;
  /** For Methodref entries of HashMap's constructors: the index in {@link #CONSTRUCTORS}, else -1. */
  private int[] constructor;

  /** The sites found, as parallel arrays; offsets are into the class file. */
  private int sites;
  private int[] newAt = new int[4];
  private int[] callAt = new int[4];
  private int[] shapeOf = new int[4];
  private int[] lineOf = new int[4];
  /** Where the code of each site's method starts. */
  private int[] codeBase = new int[4];
  private String[] methodNames = new String[4];
  private String[] methodDescs = new String[4];

  private InPlaceRewrite(byte[] classFile) {
    this.b = classFile;
  }

  /**
   * Rewrites the class if it has only sites of the common shape.
   *
   * @return the result ({@link SiteTransformer.Result#UNCHANGED} when there are no sites), or
   *     {@link #DECLINED}, with nothing registered, when the class needs ASM's rewrite
   */
  static SiteTransformer.Result rewrite(byte[] classFile, String loaderName, String target,
      SiteRegistry registry) {
    InPlaceRewrite r = new InPlaceRewrite(classFile);
    try {
      return r.run(loaderName, target, registry);
    } catch (Decline | RuntimeException e) {
      return DECLINED; // an unexpected shape, or bytes this reader does not understand
    }
  }

  private SiteTransformer.Result run(String loaderName, String target, SiteRegistry registry)
      throws Decline {
    if (u4(0) != 0xCAFEBABE) {
      throw DECLINE;
    }
    readConstantPool();
    int pos = cpEnd;
    if ((u2(pos) & 0x8000) != 0) {
      return SiteTransformer.Result.UNCHANGED; // module-info
    }
    int thisClass = u2(pos + 2);
    int superClass = u2(pos + 4);
    boolean superIsHashMap = superClass != 0 && hashMapClass[superClass];
    pos += 8 + 2 * u2(pos + 6);
    pos = skipMembers(pos); // fields
    int methodCount = u2(pos);
    pos += 2;
    for (int m = 0; m < methodCount; m++) {
      int name = u2(pos + 2);
      int desc = u2(pos + 4);
      int attributes = u2(pos + 6);
      pos += 8;
      for (int a = 0; a < attributes; a++) {
        if (utf8Is(u2(pos), "Code")) {
          scanCode(pos, name, desc, superIsHashMap);
        }
        pos += 6 + u4(pos + 2);
      }
    }
    if (sites == 0) {
      return SiteTransformer.Result.UNCHANGED;
    }
    String sourceFile = null;
    int classAttributes = u2(pos);
    pos += 2;
    for (int a = 0; a < classAttributes; a++) {
      if (utf8Is(u2(pos), "SourceFile")) {
        sourceFile = utf8(u2(pos + 6));
      }
      pos += 6 + u4(pos + 2);
    }
    if (pos != b.length) {
      throw DECLINE;
    }
    // Appended entries: the target class, the factory's name, one Methodref (with its
    // descriptor and NameAndType) per constructor shape used, and room for an Integer per site.
    boolean[] used = new boolean[CONSTRUCTORS.length];
    for (int i = 0; i < sites; i++) {
      used[shapeOf[i]] = true;
    }
    if (cp.length + 2 + 1 + 3 * CONSTRUCTORS.length + sites > 0xFFFF) {
      throw DECLINE;
    }
    String className = utf8(u2(cp[thisClass] + 1));

    int[] ids = new int[sites];
    for (int i = 0; i < sites; i++) {
      ids[i] = registry.register(className, methodNames[i], methodDescs[i], sourceFile,
          lineOf[i], loaderName);
    }
    return new SiteTransformer.Result(write(target, used, ids), sites, null);
  }

  private byte[] write(String target, boolean[] used, int[] ids) {
    Pool pool = new Pool(cp.length);
    int targetClass = pool.classEntry(pool.utf8(target));
    int factoryName = pool.utf8("constructAt");
    int[] methodref = new int[CONSTRUCTORS.length];
    for (int s = 0; s < CONSTRUCTORS.length; s++) {
      if (used[s]) {
        methodref[s] = pool.methodref(targetClass, pool.nameAndType(factoryName,
            pool.utf8(FACTORIES[s])));
      }
    }
    int[] ldc = new int[sites];
    for (int i = 0; i < sites; i++) {
      if (ids[i] > Short.MAX_VALUE || ids[i] < Short.MIN_VALUE) {
        ldc[i] = pool.integer(ids[i]);
      }
    }
    byte[] added = pool.bytes();
    int shift = added.length;
    byte[] out = new byte[b.length + shift];
    System.arraycopy(b, 0, out, 0, cpEnd);
    out[8] = (byte) (pool.count >>> 8);
    out[9] = (byte) pool.count;
    System.arraycopy(added, 0, out, cpEnd, shift);
    System.arraycopy(b, cpEnd, out, cpEnd + shift, b.length - cpEnd);
    for (int i = 0; i < sites; i++) {
      int p = newAt[i] + shift;
      if (ldc[i] == 0) {
        out[p] = (byte) SIPUSH;
        out[p + 1] = (byte) (ids[i] >>> 8);
        out[p + 2] = (byte) ids[i];
      } else {
        out[p] = (byte) LDC_W;
        out[p + 1] = (byte) (ldc[i] >>> 8);
        out[p + 2] = (byte) ldc[i];
      }
      out[p + 3] = (byte) NOP; // was the DUP
      int q = callAt[i] + shift;
      out[q] = (byte) INVOKESTATIC;
      out[q + 1] = (byte) (methodref[shapeOf[i]] >>> 8);
      out[q + 2] = (byte) methodref[shapeOf[i]];
    }
    return out;
  }

  /** Entries appended to the constant pool. */
  private static final class Pool {
    int count;
    private byte[] buf = new byte[128];
    private int size;

    Pool(int count) {
      this.count = count;
    }

    int utf8(String ascii) {
      ensure(3 + ascii.length());
      buf[size++] = 1;
      buf[size++] = (byte) (ascii.length() >>> 8);
      buf[size++] = (byte) ascii.length();
      for (int i = 0; i < ascii.length(); i++) {
        buf[size++] = (byte) ascii.charAt(i); // internal names and descriptors here are ASCII
      }
      return count++;
    }

    int classEntry(int name) {
      return entry(7, name, -1);
    }

    int nameAndType(int name, int desc) {
      return entry(12, name, desc);
    }

    int methodref(int owner, int nameAndType) {
      return entry(10, owner, nameAndType);
    }

    int integer(int value) {
      return entry(3, value >>> 16, value & 0xFFFF);
    }

    private int entry(int tag, int first, int second) {
      ensure(5);
      buf[size++] = (byte) tag;
      buf[size++] = (byte) (first >>> 8);
      buf[size++] = (byte) first;
      if (second >= 0) {
        buf[size++] = (byte) (second >>> 8);
        buf[size++] = (byte) second;
      }
      return count++;
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, size);
    }
  }

  private void readConstantPool() throws Decline {
    int count = u2(8);
    cp = new int[count];
    cpEnd = HashMapMentions.constantPool(b, cp);
    if (cpEnd < 0) {
      throw DECLINE;
    }
    hashMapClass = new boolean[count];
    for (int i = 1; i < count; i++) {
      if (cp[i] != 0 && b[cp[i]] == 7 && utf8Is(u2(cp[i] + 1), HashMapSiteRewriter.HASH_MAP)) {
        hashMapClass[i] = true;
      }
    }
    constructor = new int[count];
    Arrays.fill(constructor, -1);
    for (int i = 1; i < count; i++) {
      int at = cp[i];
      if (at == 0) {
        continue;
      }
      if (b[at] == 10 && hashMapClass[u2(at + 1)]) {
        int nat = cp[u2(at + 3)];
        if (utf8Is(u2(nat + 1), "<init>")) {
          constructor[i] = CONSTRUCTORS.length; // unknown until its descriptor matches
          for (int s = 0; s < CONSTRUCTORS.length; s++) {
            if (utf8Is(u2(nat + 3), CONSTRUCTORS[s])) {
              constructor[i] = s;
            }
          }
        } else if (utf8Is(u2(nat + 1), "newHashMap")) {
          throw DECLINE; // HashMap.newHashMap: ASM's rewrite
        }
      } else if (b[at] == 15) {
        int ref = cp[u2(at + 2)];
        if ((b[ref] == 10 || b[ref] == 11) && hashMapClass[u2(ref + 1)]) {
          throw DECLINE; // a method handle on HashMap (HashMap::new): ASM's rewrite
        }
      }
    }
  }

  /**
   * Finds the sites of one method's code, pairing NEWs with constructor calls as
   * {@link HashMapSiteRewriter#plan} does, and declines what that planner would refuse or what
   * cannot be rewritten in place.
   */
  private void scanCode(int attribute, int name, int desc, boolean superIsHashMap)
      throws Decline {
    int codeLength = u4(attribute + 10);
    int code = attribute + 14;
    int end = code + codeLength;
    int firstSite = sites;
    int[] pendingAt = new int[8];
    int[] pendingClass = new int[8];
    int pending = 0;
    for (int pc = 0; pc < codeLength; ) {
      int op = b[code + pc] & 0xFF;
      if (op == NEW) {
        if (pending == pendingAt.length) {
          pendingAt = Arrays.copyOf(pendingAt, pending * 2);
          pendingClass = Arrays.copyOf(pendingClass, pending * 2);
        }
        pendingAt[pending] = pc;
        pendingClass[pending++] = u2(code + pc + 1);
      } else if (op == INVOKESPECIAL) {
        int ref = u2(code + pc + 1);
        int at = cp[ref];
        if (b[at] == 10 && utf8Is(u2(cp[u2(at + 3)] + 1), "<init>")) {
          int owner = u2(at + 1);
          if (pending == 0) {
            if (hashMapClass[owner] && !(utf8Is(name, "<init>") && superIsHashMap)) {
              throw DECLINE; // HashMap.<init> with no NEW: ASM's planner reports it
            }
          } else if (!sameName(pendingClass[pending - 1], owner)) {
            if (hashMapClass[owner] || anyHashMap(pendingClass, pending)) {
              throw DECLINE;
            } // else a super(...) call while other allocations are pending: not ours
          } else {
            pending--;
            if (hashMapClass[owner]) {
              int shape = constructor[ref];
              if (shape < 0 || shape == CONSTRUCTORS.length) {
                throw DECLINE;
              }
              addSite(code, code + pendingAt[pending], code + pc, shape);
            }
          }
        }
      }
      pc += length(code, pc, op);
    }
    if (anyHashMap(pendingClass, pending)) {
      throw DECLINE;
    }
    if (sites == firstSite) {
      return;
    }
    for (int i = firstSite; i < sites; i++) {
      if ((b[newAt[i] + 3] & 0xFF) != DUP) {
        throw DECLINE;
      }
    }
    // The code's own attributes: the stack map frames (none may lie between a site's NEW and
    // its call) and the line numbers.
    int pos = end;
    pos += 2 + 8 * u2(pos); // exception table
    int attributes = u2(pos);
    pos += 2;
    int[] lineStart = new int[0];
    int[] lineNumber = new int[0];
    for (int a = 0; a < attributes; a++) {
      int attributeName = u2(pos);
      int length = u4(pos + 2);
      if (utf8Is(attributeName, "StackMapTable")) {
        checkFrames(pos + 6, firstSite);
      } else if (utf8Is(attributeName, "LineNumberTable")) {
        int n = u2(pos + 6);
        int base = lineStart.length;
        lineStart = Arrays.copyOf(lineStart, base + n);
        lineNumber = Arrays.copyOf(lineNumber, base + n);
        for (int e = 0; e < n; e++) {
          lineStart[base + e] = u2(pos + 8 + 4 * e);
          lineNumber[base + e] = u2(pos + 10 + 4 * e);
        }
      }
      pos += 6 + length;
    }
    String methodName = utf8(name);
    String methodDesc = utf8(desc);
    for (int i = firstSite; i < sites; i++) {
      // ASM's planner takes the last line entry at or before the NEW (a later entry for the same
      // offset wins); entries of line 0 are not visited by ASM
      int line = -1;
      int from = -1;
      for (int e = 0; e < lineStart.length; e++) {
        if (lineStart[e] <= newAt[i] - code && lineStart[e] >= from && lineNumber[e] != 0) {
          from = lineStart[e];
          line = lineNumber[e];
        }
      }
      lineOf[i] = line;
      methodNames[i] = methodName;
      methodDescs[i] = methodDesc;
    }
    sortSites(firstSite);
  }

  /** Declines if a stack map frame of this code lies after a site's NEW, up to its call. */
  private void checkFrames(int pos, int firstSite) throws Decline {
    int n = u2(pos);
    pos += 2;
    int offset = -1;
    for (int f = 0; f < n; f++) {
      int type = b[pos++] & 0xFF;
      int delta;
      if (type < 64) {
        delta = type;
      } else if (type < 128) {
        delta = type - 64;
        pos = skipVerificationType(pos);
      } else if (type < 247) {
        throw DECLINE; // reserved
      } else {
        delta = u2(pos);
        pos += 2;
        if (type == 247) {
          pos = skipVerificationType(pos);
        } else if (type >= 252 && type <= 254) {
          for (int i = 0; i < type - 251; i++) {
            pos = skipVerificationType(pos);
          }
        } else if (type == 255) {
          for (int part = 0; part < 2; part++) {
            int items = u2(pos);
            pos += 2;
            for (int i = 0; i < items; i++) {
              pos = skipVerificationType(pos);
            }
          }
        }
      }
      offset = offset < 0 ? delta : offset + delta + 1;
      for (int i = firstSite; i < sites; i++) {
        if (offset > newAt[i] - codeBase[i] && offset <= callAt[i] - codeBase[i]) {
          throw DECLINE; // the frame names the uninitialised object: ASM keeps the NEW
        }
      }
    }
  }

  private int skipVerificationType(int pos) throws Decline {
    int tag = b[pos] & 0xFF;
    if (tag == 7 || tag == 8) {
      return pos + 3;
    }
    if (tag > 8) {
      throw DECLINE;
    }
    return pos + 1;
  }

  /** Adds a site; offsets are into the class file, {@code code} where the method's code starts. */
  private void addSite(int code, int newPc, int callPc, int shape) {
    if (sites == newAt.length) {
      int n = sites * 2;
      newAt = Arrays.copyOf(newAt, n);
      callAt = Arrays.copyOf(callAt, n);
      shapeOf = Arrays.copyOf(shapeOf, n);
      lineOf = Arrays.copyOf(lineOf, n);
      methodNames = Arrays.copyOf(methodNames, n);
      methodDescs = Arrays.copyOf(methodDescs, n);
      codeBase = Arrays.copyOf(codeBase, n);
    }
    newAt[sites] = newPc;
    callAt[sites] = callPc;
    shapeOf[sites] = shape;
    codeBase[sites] = code;
    sites++;
  }

  /** Sorts one method's sites by the offset of their NEW: the order ASM's rewrite registers. */
  private void sortSites(int from) {
    for (int i = from + 1; i < sites; i++) {
      for (int j = i; j > from && newAt[j - 1] > newAt[j]; j--) {
        swap(newAt, j);
        swap(callAt, j);
        swap(shapeOf, j);
        swap(lineOf, j);
        swap(codeBase, j);
      }
    }
  }

  private static void swap(int[] a, int j) {
    int t = a[j];
    a[j] = a[j - 1];
    a[j - 1] = t;
  }

  private boolean anyHashMap(int[] classes, int n) {
    for (int i = 0; i < n; i++) {
      if (hashMapClass[classes[i]]) {
        return true;
      }
    }
    return false;
  }

  /** The length of the instruction at {@code pc}. */
  private int length(int code, int pc, int op) throws Decline {
    int n = LENGTH[op];
    if (n != 0) {
      return n;
    }
    int pad = 3 - (pc & 3); // bytes after the opcode up to the next multiple of 4
    switch (op) {
      case TABLESWITCH: {
        int at = code + pc + 1 + pad;
        int low = u4(at + 4);
        int high = u4(at + 8);
        return 1 + pad + 12 + 4 * (high - low + 1);
      }
      case LOOKUPSWITCH:
        return 1 + pad + 8 + 8 * u4(code + pc + 1 + pad + 4);
      case WIDE:
        return (b[code + pc + 1] & 0xFF) == IINC ? 6 : 4;
      default:
        throw DECLINE;
    }
  }

  private int skipMembers(int pos) {
    int count = u2(pos);
    pos += 2;
    for (int i = 0; i < count; i++) {
      int attributes = u2(pos + 6);
      pos += 8;
      for (int a = 0; a < attributes; a++) {
        pos += 6 + u4(pos + 2);
      }
    }
    return pos;
  }

  /** Whether two Class entries name the same class. */
  private boolean sameName(int classA, int classB) {
    if (classA == classB) {
      return true;
    }
    int a = cp[u2(cp[classA] + 1)];
    int c = cp[u2(cp[classB] + 1)];
    int n = u2(a + 1);
    if (n != u2(c + 1)) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (b[a + 3 + i] != b[c + 3 + i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether Utf8 entry {@code index} holds exactly {@code ascii}. */
  private boolean utf8Is(int index, String ascii) {
    int at = cp[index];
    if (b[at] != 1 || u2(at + 1) != ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (b[at + 3 + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The string of Utf8 entry {@code index} (modified UTF-8). */
  private String utf8(int index) throws Decline {
    int at = cp[index];
    if (b[at] != 1) {
      throw DECLINE;
    }
    try {
      return new DataInputStream(new ByteArrayInputStream(b, at + 1, 2 + u2(at + 1))).readUTF();
    } catch (IOException e) {
      throw DECLINE;
    }
  }

  private int u2(int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  private int u4(int at) {
    return (u2(at) << 16) | u2(at + 2);
  }
}
