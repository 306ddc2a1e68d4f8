package dev.tophash.agent.transform;

/**
 * Hands out site ids for rewritten allocation sites. The agent's implementation is
 * {@code dev.tophash.map.MapSites::register}, reached through {@link ReusingSiteRegistry} so that a
 * class transformed again (retransformation, a second attach) gets the ids it had.
 */
@FunctionalInterface
public interface SiteRegistry {
  /**
   * Registers one site and returns its id.
   *
   * @param className binary name with slashes or dots
   * @param methodName the method holding the site
   * @param methodDescriptor that method's descriptor
   * @param sourceFile the SourceFile attribute, or null
   * @param line the source line, or -1
   * @param loaderName the defining loader's name
   */
  int register(String className, String methodName, String methodDescriptor, String sourceFile,
      int line, String loaderName);
}
