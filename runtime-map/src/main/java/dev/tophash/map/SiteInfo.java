package dev.tophash.map;

import java.util.Objects;

/**
 * One allocation site of a map: where in the application's code a {@code HashMap} was allocated.
 *
 * <p>Ids are dense and stable for the life of the JVM (see {@link MapSites}). Across runs a site
 * is identified by its {@link #key() stable key}, {@code class#method:line}, with {@code #ordinal}
 * appended when one line holds several sites.
 */
public final class SiteInfo {
  private final int id;
  private final String className;
  private final String methodName;
  private final String methodDescriptor;
  private final String sourceFile;
  private final int line;
  private final int ordinal;
  private final String loaderName;
  private final String key;

  /** Creates a site description; use {@link MapSites#register} rather than calling this directly. */
  public SiteInfo(int id, String className, String methodName, String methodDescriptor,
      String sourceFile, int line, int ordinal, String loaderName) {
    this.id = id;
    this.className = Objects.requireNonNull(className, "className");
    this.methodName = Objects.requireNonNull(methodName, "methodName");
    this.methodDescriptor = methodDescriptor == null ? "" : methodDescriptor;
    this.sourceFile = sourceFile == null ? "" : sourceFile;
    this.line = line;
    this.ordinal = ordinal;
    this.loaderName = loaderName == null ? "" : loaderName;
    this.key = stableKey(className, methodName, line, ordinal);
  }

  /** The stable key of a site: {@code class#method:line}, plus {@code #ordinal} when ordinal > 0. */
  public static String stableKey(String className, String methodName, int line, int ordinal) {
    String base = className + '#' + methodName + ':' + line;
    return ordinal > 0 ? base + '#' + ordinal : base;
  }

  /** The dense id of this site in this JVM; 0 is the unattributed site. */
  public int id() { return id; }

  /** The binary name of the class holding the allocation, with dots ({@code com.example.Foo$Bar}). */
  public String className() { return className; }

  /** The name of the method holding the allocation ({@code <init>}, {@code <clinit>}, lambdas included). */
  public String methodName() { return methodName; }

  /** The JVM descriptor of that method, or "" when unknown. */
  public String methodDescriptor() { return methodDescriptor; }

  /** The source file recorded in the class file, or "" when absent. */
  public String sourceFile() { return sourceFile; }

  /** The source line of the allocation, or -1 when the class has no line numbers. */
  public int line() { return line; }

  /** 0 for the first site on a line, 1 for the second, and so on. */
  public int ordinal() { return ordinal; }

  /** The name of the class loader that defined the class ({@code app}, {@code bootstrap}, ...). */
  public String loaderName() { return loaderName; }

  /** The key that identifies this site across runs: {@code class#method:line[#ordinal]}. */
  public String key() { return key; }

  @Override
  public String toString() {
    return key;
  }
}
