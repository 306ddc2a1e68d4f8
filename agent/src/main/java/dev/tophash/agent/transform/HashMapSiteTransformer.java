package dev.tophash.agent.transform;

import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's {@link ClassFileTransformer}: filters, rewrites through {@link SiteTransformer},
 * counts, and contains every failure.
 *
 * <p>It returns null (no change) for every class it does not rewrite, and never throws into class
 * loading: a class it cannot rewrite is left as it was and counted as skipped (an unexpected
 * shape) or failed (any other throwable, reported once on stderr). A class loaded while this
 * thread is already transforming (possible with {@code jdk=true}), or by the agent's own work
 * ({@link #withoutRewriting}), is left alone.
 *
 * <p>Rewritten classes in named modules get a read edge to the bootstrap loader's unnamed module,
 * where the map lives; without it their first allocation would fail with
 * {@link IllegalAccessError}.
 */
public final class HashMapSiteTransformer implements ClassFileTransformer {
  private static final ThreadLocal<Boolean> BUSY = new ThreadLocal<>();

  private final ClassFilter filter;
  private final String target;
  private final SiteRegistry registry;
  private final ConcurrentHashMap<String, Integer> knownSites;
  private final Instrumentation inst;
  private final PrintStream log;
  private final boolean verbose;
  private final ClassLoader platformLoader = ClassLoader.getPlatformClassLoader();
  private final ClassLoader appLoader = ClassLoader.getSystemClassLoader();
  private final Map<ClassLoader, Boolean> loaderVisibility = new java.util.WeakHashMap<>();
  private final Set<String> rewritten = ConcurrentHashMap.newKeySet();
  private final Set<Module> readEdges = ConcurrentHashMap.newKeySet();
  private final AtomicLong classesRewritten = new AtomicLong();
  private final AtomicLong classesSkipped = new AtomicLong();
  private final AtomicLong classesFailed = new AtomicLong();
  private final AtomicLong sitesRewritten = new AtomicLong();
  private final AtomicLong methodsSkipped = new AtomicLong();
  private final AtomicLong classesScanned = new AtomicLong();
  private final AtomicLong scanNanos = new AtomicLong();
  private volatile boolean active = true;
  private volatile boolean failureReported;
  private volatile Module mapModule;

  /**
   * Creates the transformer.
   *
   * @param filter which classes may be rewritten
   * @param target the internal name of the sited HashMap subclass
   * @param registry the site registry
   * @param knownSites site ids handed out before (kept across attach and detach)
   * @param inst used for read edges of named modules; may be null in tests
   * @param log where failures (and with {@code verbose} every class) are reported
   */
  public HashMapSiteTransformer(ClassFilter filter, String target, SiteRegistry registry,
      ConcurrentHashMap<String, Integer> knownSites, Instrumentation inst, PrintStream log,
      boolean verbose) {
    this.filter = filter;
    this.target = target;
    this.registry = registry;
    this.knownSites = knownSites;
    this.inst = inst;
    this.log = log;
    this.verbose = verbose;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className,
      Class<?> classBeingRedefined, ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    if (!active || classfileBuffer == null
        || !filter.admits(className, loader == null || loader == platformLoader)
        || BUSY.get() != null) {
      return null;
    }
    BUSY.set(Boolean.TRUE);
    long t0 = System.nanoTime();
    try {
      if (!seesTarget(loader)) {
        classesSkipped.incrementAndGet();
        if (verbose) {
          log.println("tophash: left " + className + " alone: its loader " + loaderName(loader)
              + " does not see " + target.replace('/', '.') + " (an OSGi-style loader without "
              + "boot delegation for dev.tophash.map?)");
        }
        return null;
      }
      String loaderName = loaderName(loader);
      SiteRegistry sites = new ReusingSiteRegistry(knownSites, registry,
          loaderName + '@' + Integer.toHexString(System.identityHashCode(loader)));
      SiteTransformer.Result r = SiteTransformer.rewrite(classfileBuffer, loaderName, target, sites);
      if (r.skipped()) {
        classesSkipped.incrementAndGet();
        if (verbose) {
          log.println("tophash: left " + className + " alone: " + r.skipReason());
        }
        return null;
      }
      if (r.bytes() == null) {
        return null;
      }
      if (module != null && module.isNamed()) {
        addReadEdge(module);
      }
      classesRewritten.incrementAndGet();
      sitesRewritten.addAndGet(r.sites());
      if (!r.skippedMethods().isEmpty()) {
        methodsSkipped.addAndGet(r.skippedMethods().size());
        if (verbose) {
          log.println("tophash: in " + className + " left alone: " + r.skippedMethods());
        }
      }
      rewritten.add(classKey(loader, className));
      if (verbose) {
        log.println("tophash: rewrote " + r.sites() + " site(s) in " + className.replace('/', '.')
            + " (" + loaderName + ")");
      }
      return r.bytes();
    } catch (Throwable t) {
      classesFailed.incrementAndGet();
      if (verbose || !failureReported) {
        failureReported = true;
        log.println("tophash: left " + className + " alone after an error: " + t
            + (verbose ? "" : " (further failures are counted in the report)"));
      }
      return null;
    } finally {
      BUSY.remove();
      classesScanned.incrementAndGet();
      scanNanos.addAndGet(System.nanoTime() - t0);
    }
  }

  /** Classes the filter admitted and this transformer read, rewritten or not. */
  public long classesScanned() {
    return classesScanned.get();
  }

  /** The time spent reading and rewriting them, in nanoseconds, summed over all threads. */
  public long scanNanos() {
    return scanNanos.get();
  }

  /**
   * Whether classes defined by {@code loader} resolve the target class to the bootstrap loader's
   * copy. Parent-first loaders do; a loader that does not delegate {@code dev.tophash.map} to the
   * bootstrap loader (OSGi without boot delegation, some plugin systems) would make the rewritten
   * class fail at its first allocation, so its classes are left alone. The probe asks the loader
   * for a class the bootstrap loader has already loaded, once per loader.
   */
  private boolean seesTarget(ClassLoader loader) {
    if (loader == null || loader == platformLoader || loader == appLoader) {
      return true;
    }
    synchronized (loaderVisibility) {
      Boolean known = loaderVisibility.get(loader);
      if (known != null) {
        return known;
      }
    }
    boolean sees;
    try {
      Class<?> mine = Class.forName(target.replace('/', '.'), false,
          HashMapSiteTransformer.class.getClassLoader());
      sees = Class.forName(mine.getName(), false, loader) == mine;
    } catch (Throwable t) {
      sees = false;
    }
    synchronized (loaderVisibility) {
      loaderVisibility.put(loader, sees);
    }
    return sees;
  }

  /**
   * Runs {@code work} with rewriting off for the current thread: classes that the agent's own
   * work loads (report writers, JMX, JFR) are left alone.
   */
  public static <T> T withoutRewriting(java.util.function.Supplier<T> work) {
    Boolean before = BUSY.get();
    BUSY.set(Boolean.TRUE);
    try {
      return work.get();
    } finally {
      if (before == null) {
        BUSY.remove();
      }
    }
  }

  /** Turns rewriting off for the rest of the current thread's life (the agent's own threads). */
  public static void suppressOnThisThread() {
    BUSY.set(Boolean.TRUE);
  }

  /** Lets a named module read the unnamed module of the bootstrap loader, where the map lives. */
  private void addReadEdge(Module module) throws ClassNotFoundException {
    if (inst == null || readEdges.contains(module)) {
      return;
    }
    Module m = mapModule;
    if (m == null) {
      m = Class.forName(target.replace('/', '.'), false, null).getModule();
      mapModule = m;
    }
    if (!module.canRead(m)) {
      inst.redefineModule(module, Set.of(m), Map.of(), Map.of(), Set.of(), Map.of());
    }
    readEdges.add(module);
  }

  /** The name of a loader as sites record it: {@code bootstrap}, {@code platform}, {@code app}, ... */
  public static String loaderName(ClassLoader loader) {
    if (loader == null) {
      return "bootstrap";
    }
    String name = loader.getName();
    return name != null ? name : loader.getClass().getName();
  }

  /** The key under which a rewritten class is remembered for detach. */
  public static String classKey(ClassLoader loader, String internalName) {
    return System.identityHashCode(loader) + ":" + internalName;
  }

  /** Whether {@code c} was rewritten by this transformer (and so must be restored on detach). */
  public boolean wasRewritten(Class<?> c) {
    return rewritten.contains(classKey(c.getClassLoader(), c.getName().replace('.', '/')));
  }

  /** Whether {@code c} passes the filter, so that retransforming it at attach may rewrite it. */
  public boolean admits(Class<?> c) {
    ClassLoader l = c.getClassLoader();
    return filter.admits(c.getName().replace('.', '/'), l == null || l == platformLoader);
  }

  /** Stops rewriting; classes transformed later (retransformation included) stay as they are. */
  public void deactivate() {
    active = false;
  }

  /** Classes rewritten so far. */
  public long classesRewritten() { return classesRewritten.get(); }

  /** Classes with sites left alone because of their shape or size. */
  public long classesSkipped() { return classesSkipped.get(); }

  /** Classes left alone after an unexpected error. */
  public long classesFailed() { return classesFailed.get(); }

  /** Sites rewritten so far (a class transformed twice counts twice). */
  public long sitesRewritten() { return sitesRewritten.get(); }

  /** Methods of rewritten classes left alone because they are too large to grow. */
  public long methodsSkipped() { return methodsSkipped.get(); }

  /** Counts a class that retransformation could not handle. */
  public void countFailure() {
    classesFailed.incrementAndGet();
  }
}
