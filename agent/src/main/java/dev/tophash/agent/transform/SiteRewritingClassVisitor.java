package dev.tophash.agent.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Runs a {@link HashMapSiteRewriter} over every method of a class, and rewrites the class only
 * if every method can be: the methods are buffered, planned at the end of the class, and only
 * when no method has an unexpected shape are the sites registered and the methods written out.
 * Otherwise {@link HashMapSiteRewriter.UnexpectedShapeException} propagates and the caller leaves
 * the class alone.
 */
public final class SiteRewritingClassVisitor extends ClassVisitor {
  private final String loaderName;
  private final String target;
  private final SiteRegistry registry;
  private final Set<String> candidates;
  private final List<HashMapSiteRewriter> methods = new ArrayList<>();
  private final List<MethodVisitor> writers = new ArrayList<>();
  private String className;
  private String superName;
  private String sourceFile;
  private HashMapSiteRewriter.Context context;
  private int sites;
  private final List<String> skippedMethods = new ArrayList<>();

  /**
   * Creates the visitor.
   *
   * @param next usually a {@link org.objectweb.asm.ClassWriter}
   * @param loaderName the name of the defining loader, for the site registry
   * @param target the internal name of the sited HashMap subclass
   */
  public SiteRewritingClassVisitor(ClassVisitor next, String loaderName, String target,
      SiteRegistry registry) {
    this(next, loaderName, target, registry, null);
  }

  /**
   * Creates a visitor that looks only at {@code candidates} (name + descriptor; null for every
   * method): the other methods go to {@code next} as they are, which a
   * {@link org.objectweb.asm.ClassWriter} built on the same reader copies without decoding.
   */
  public SiteRewritingClassVisitor(ClassVisitor next, String loaderName, String target,
      SiteRegistry registry, Set<String> candidates) {
    super(Opcodes.ASM9, next);
    this.loaderName = loaderName;
    this.target = target;
    this.registry = registry;
    this.candidates = candidates;
  }

  @Override
  public void visit(int version, int access, String name, String signature, String superName,
      String[] interfaces) {
    className = name;
    this.superName = superName;
    super.visit(version, access, name, signature, superName, interfaces);
  }

  @Override
  public void visitSource(String source, String debug) {
    sourceFile = source;
    super.visitSource(source, debug);
  }

  @Override
  public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
      String[] exceptions) {
    MethodVisitor writer = super.visitMethod(access, name, descriptor, signature, exceptions);
    if (candidates != null && !candidates.contains(name + descriptor)) {
      return writer;
    }
    if (context == null) {
      context = new HashMapSiteRewriter.Context(className, superName, sourceFile, loaderName,
          target, registry);
    }
    HashMapSiteRewriter m =
        new HashMapSiteRewriter(access, name, descriptor, signature, exceptions, null, context);
    methods.add(m);
    writers.add(writer);
    return m;
  }

  @Override
  public void visitEnd() {
    for (HashMapSiteRewriter m : methods) {
      sites += m.plan();
      if (m.skippedBecause() != null) {
        skippedMethods.add(m.skippedBecause());
      }
    }
    if (sites == 0) {
      super.visitEnd(); // nothing to rewrite: the caller discards this output
      return;
    }
    for (int i = 0; i < methods.size(); i++) {
      HashMapSiteRewriter m = methods.get(i);
      m.apply();
      if (writers.get(i) != null) {
        m.accept(writers.get(i));
      }
    }
    super.visitEnd();
  }

  /** Why methods with sites were left as they were (too large), once the class has been visited. */
  public List<String> skippedMethods() {
    return skippedMethods;
  }

  /** The number of sites rewritten, once the class has been visited. */
  public int sites() {
    return sites;
  }
}
