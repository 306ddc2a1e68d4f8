package dev.tophash.agent.transform;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites the HashMap allocation sites of one class file: bytes in, bytes out, no agent and no
 * class loading involved. The {@link java.lang.instrument.ClassFileTransformer} wraps this with
 * filtering, counting and error containment; tests call it directly.
 */
public final class SiteTransformer {
  private static final byte[] HASH_MAP_UTF8 =
      HashMapSiteRewriter.HASH_MAP.getBytes(StandardCharsets.UTF_8);

  private SiteTransformer() {}

  /** The outcome of rewriting one class. */
  public static final class Result {
    /** Nothing to rewrite. */
    static final Result UNCHANGED = new Result(null, 0, null);

    private final byte[] bytes;
    private final int sites;
    private final String skipReason;
    private final List<String> skippedMethods;

    Result(byte[] bytes, int sites, String skipReason) {
      this(bytes, sites, skipReason, List.of());
    }

    Result(byte[] bytes, int sites, String skipReason, List<String> skippedMethods) {
      this.bytes = bytes;
      this.sites = sites;
      this.skipReason = skipReason;
      this.skippedMethods = List.copyOf(skippedMethods);
    }

    /** Methods of a rewritten class whose sites were left alone (too large), with the reason. */
    public List<String> skippedMethods() { return skippedMethods; }

    /** The rewritten class file, or null when the class stays as it was. */
    public byte[] bytes() { return bytes; }

    /** The number of sites rewritten. */
    public int sites() { return sites; }

    /** Why a class with sites was left alone, or null. */
    public String skipReason() { return skipReason; }

    /** Whether the class holds sites but was left alone. */
    public boolean skipped() { return skipReason != null; }
  }

  /**
   * Rewrites one class.
   *
   * @param classFile the class file
   * @param loaderName the defining loader's name, recorded with each site
   * @param target the internal name of the sited HashMap subclass to allocate
   * @param registry where the sites are registered
   * @return the result; never null. Classes that cannot be parsed or have an unexpected shape
   *     come back {@linkplain Result#skipped() skipped}; nothing is registered for them
   */
  public static Result rewrite(byte[] classFile, String loaderName, String target,
      SiteRegistry registry) {
    if (!mayHaveSites(classFile)) {
      return Result.UNCHANGED;
    }
    Result inPlace = InPlaceRewrite.rewrite(classFile, loaderName, target, registry);
    return inPlace != InPlaceRewrite.DECLINED ? inPlace
        : rewriteWithAsm(classFile, loaderName, target, registry);
  }

  /**
   * {@link #rewrite} by ASM alone: what classes that {@link InPlaceRewrite} declines get, and
   * what the tests compare it with.
   */
  static Result rewriteWithAsm(byte[] classFile, String loaderName, String target,
      SiteRegistry registry) {
    if (!mayHaveSites(classFile)) {
      return Result.UNCHANGED;
    }
    ClassReader reader;
    try {
      reader = new ClassReader(classFile);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return new Result(null, 0, "unreadable class file (" + e + ")");
    }
    if ((reader.getAccess() & Opcodes.ACC_MODULE) != 0) {
      return Result.UNCHANGED;
    }
    try {
      Set<String> candidates = HashMapMentions.of(classFile);
      if (candidates == null) {
        candidates = HashMapMethods.of(reader);
      }
      if (candidates.isEmpty()) {
        return Result.UNCHANGED;
      }
      ClassWriter writer = new ClassWriter(reader, 0);
      SiteRewritingClassVisitor visitor =
          new SiteRewritingClassVisitor(writer, loaderName, target, registry, candidates);
      reader.accept(visitor, 0);
      return result(writer, visitor);
    } catch (HashMapSiteRewriter.UnexpectedShapeException e) {
      return new Result(null, 0, e.getMessage());
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      // ASM's answer to class files it cannot parse (truncated, or newer than it knows)
      return new Result(null, 0, "unsupported class file (" + e + ")");
    }
  }

  private static Result result(ClassWriter writer, SiteRewritingClassVisitor visitor) {
    List<String> skippedMethods = visitor.skippedMethods();
    if (visitor.sites() == 0) {
      return skippedMethods.isEmpty() ? Result.UNCHANGED
          : new Result(null, 0, String.join("; ", skippedMethods));
    }
    return new Result(writer.toByteArray(), visitor.sites(), null, skippedMethods);
  }

  /**
   * Finds the methods whose code refers to {@code java/util/HashMap} at all (a type, an owner of
   * a call, a method handle), the only ones that may hold sites, by decoding every instruction
   * with ASM: what {@link HashMapMentions} answers from the raw bytes, and the answer for class
   * files that one does not understand. The rewrite turns only these
   * into trees; every other method is handed to the {@link ClassWriter} untouched, which copies
   * its bytes as they are instead of decoding and encoding them again. A large class with one
   * site (common: a HashMap in one method of a parser or a compiler pass) costs a scan of its
   * code instead of a rebuild of all of it.
   */
  static final class HashMapMethods extends ClassVisitor {
    private final Set<String> found = new HashSet<>();
    private String method;
    private final MethodVisitor code = new MethodVisitor(Opcodes.ASM9) {
      @Override
      public void visitTypeInsn(int opcode, String type) {
        mention(type);
      }

      @Override
      public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
          boolean isInterface) {
        mention(owner);
      }

      @Override
      public void visitLdcInsn(Object value) {
        constant(value);
      }

      @Override
      public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
          Object... arguments) {
        constant(bootstrap);
        for (Object a : arguments) {
          constant(a);
        }
      }
    };

    private HashMapMethods() {
      super(Opcodes.ASM9);
    }

    /** The methods of {@code reader}'s class that mention HashMap, as name + descriptor. */
    static Set<String> of(ClassReader reader) {
      HashMapMethods scan = new HashMapMethods();
      reader.accept(scan, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
      return scan.found;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
        String[] exceptions) {
      method = name + descriptor;
      return code;
    }

    private void constant(Object value) {
      if (value instanceof Handle h) {
        mention(h.getOwner());
      } else if (value instanceof ConstantDynamic c) {
        constant(c.getBootstrapMethod());
        for (int i = 0; i < c.getBootstrapMethodArgumentCount(); i++) {
          constant(c.getBootstrapMethodArgument(i));
        }
      }
    }

    private void mention(String internalName) {
      if (HashMapSiteRewriter.HASH_MAP.equals(internalName)) {
        found.add(method);
      }
    }
  }

  /** Whether the class file mentions {@code java/util/HashMap} at all (a byte search, no parse). */
  static boolean mayHaveSites(byte[] b) {
    byte first = HASH_MAP_UTF8[0];
    int last = b.length - HASH_MAP_UTF8.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (b[i] != first) {
        continue;
      }
      for (int j = 1; j < HASH_MAP_UTF8.length; j++) {
        if (b[i + j] != HASH_MAP_UTF8[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
