package dev.tophash.agent.transform;

import java.util.List;

/**
 * Decides which classes the agent may rewrite, from their internal name and defining loader.
 *
 * <p>Never rewritten: the agent's own classes ({@code dev.tophash.map}, {@code .agent} with its
 * shaded packages, {@code .reports}; other {@code dev.tophash} packages such as test fixtures and
 * benchmarks are application code to the agent),
 * well-known agents and bytecode libraries (they generate or instrument code themselves and may
 * run inside class loading), and lambda proxy classes. JDK classes (loaded by the bootstrap or
 * platform loader, or named {@code java.}, {@code javax.}, {@code jdk.}, {@code sun.},
 * {@code com.sun.}) are rewritten only with {@code jdk=true}, and even then the parts of the JDK
 * that class loading, the map itself or the agent run on stay excluded (see {@link #JDK_NEVER}).
 * Then {@code exclude=} patterns, then {@code include=} patterns.
 */
public final class ClassFilter {
  /** Prefixes of internal names that are never rewritten. */
  static final String[] NEVER = {
      "dev/tophash/map/", "dev/tophash/agent/", "dev/tophash/reports/",
      "net/bytebuddy/", "org/objectweb/asm/", "javassist/", "net/sf/cglib/", "org/aspectj/",
      "org/jacoco/", "kotlinx/coroutines/debug/", "io/opentelemetry/javaagent/",
      "co/elastic/apm/agent/", "datadog/trace/", "com/newrelic/", "org/glowroot/",
      "org/HdrHistogram/", "com/fasterxml/jackson/core/", "org/apache/skywalking/apm/agent/",
      "io/github/classgraph/", "org/springframework/cglib/", "org/springframework/asm/",
      "org/mockito/internal/creation/bytebuddy/inject/",
  };

  /** Prefixes of JDK classes that stay excluded even with {@code jdk=true}. */
  static final String[] JDK_NEVER = {
      "java/lang/", "java/util/concurrent/", "java/util/HashMap", "java/util/LinkedHashMap",
      "java/util/jar/", "java/util/zip/", "java/util/ServiceLoader", "java/util/logging/",
      "java/io/", "java/nio/", "java/net/", "java/security/", "java/lang/invoke/",
      "jdk/internal/", "jdk/jfr/", "sun/", "com/sun/", "jdk/management/", "javax/management/",
  };

  /** Prefixes that mark a class as the JDK's own, whatever loader reports it. */
  static final String[] JDK = {"java/", "javax/", "jdk/", "sun/", "com/sun/"};

  private final List<String> includes;
  private final List<String> excludes;
  private final boolean jdk;

  /**
   * Creates a filter.
   *
   * @param includes patterns of {@code include=}; empty admits every class
   * @param excludes patterns of {@code exclude=}
   * @param jdk whether JDK classes may be rewritten
   */
  public ClassFilter(List<String> includes, List<String> excludes, boolean jdk) {
    this.includes = List.copyOf(includes);
    this.excludes = List.copyOf(excludes);
    this.jdk = jdk;
  }

  /** Whether {@code pattern} is a class name, a package prefix {@code a.b.*} or a prefix {@code a.B*}. */
  public static boolean isValidPattern(String pattern) {
    String p = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
    if (p.isEmpty()) {
      return pattern.equals("*");
    }
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (!(Character.isJavaIdentifierPart(c) || c == '.' || c == '/')) {
        return false;
      }
    }
    return !p.startsWith(".") && !p.contains("..");
  }

  /**
   * Whether the class may be rewritten.
   *
   * @param internalName the class's internal name ({@code com/foo/Bar$Baz}), or null
   * @param jdkLoader whether it is defined by the bootstrap or platform loader
   */
  public boolean admits(String internalName, boolean jdkLoader) {
    if (internalName == null || internalName.contains("$$Lambda") || internalName.contains("/$Proxy")) {
      return false;
    }
    if (startsWithAny(internalName, NEVER)) {
      return false;
    }
    boolean isJdk = jdkLoader || startsWithAny(internalName, JDK);
    if (isJdk && (!jdk || startsWithAny(internalName, JDK_NEVER))) {
      return false;
    }
    String dotted = internalName.replace('/', '.');
    for (String p : excludes) {
      if (matches(p, dotted)) {
        return false;
      }
    }
    if (includes.isEmpty()) {
      return true;
    }
    for (String p : includes) {
      if (matches(p, dotted)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a dotted class name matches one pattern. */
  static boolean matches(String pattern, String dottedName) {
    String p = pattern.replace('/', '.');
    if (p.equals("*")) {
      return true;
    }
    if (p.endsWith(".*")) {
      return dottedName.startsWith(p.substring(0, p.length() - 1));
    }
    if (p.endsWith("*")) {
      return dottedName.startsWith(p.substring(0, p.length() - 1));
    }
    return dottedName.equals(p) || dottedName.startsWith(p + "$");
  }

  private static boolean startsWithAny(String s, String[] prefixes) {
    for (String p : prefixes) {
      if (s.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** Whether JDK classes are admitted at all. */
  public boolean jdk() { return jdk; }
}
