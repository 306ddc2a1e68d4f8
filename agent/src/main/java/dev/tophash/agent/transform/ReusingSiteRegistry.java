package dev.tophash.agent.transform;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SiteRegistry} that gives a site the same id every time its class is transformed
 * again: retransformation after attach, retransformation by another agent, detach and a second
 * attach. A site is known by its loader, class, method, descriptor, line and its rank among the
 * sites on that line, so one instance serves one class transformation.
 */
public final class ReusingSiteRegistry implements SiteRegistry {
  private final Map<String, Integer> known;
  private final SiteRegistry delegate;
  private final String loaderKey;
  private final Map<String, Integer> seenInThisClass = new HashMap<>();

  /**
   * Creates the registry for one class transformation.
   *
   * @param known ids handed out so far, shared by every transformation of the agent
   * @param delegate the real registry
   * @param loaderKey identifies the defining loader instance
   */
  public ReusingSiteRegistry(ConcurrentHashMap<String, Integer> known, SiteRegistry delegate,
      String loaderKey) {
    this.known = known;
    this.delegate = delegate;
    this.loaderKey = loaderKey;
  }

  @Override
  public int register(String className, String methodName, String methodDescriptor,
      String sourceFile, int line, String loaderName) {
    String base = loaderKey + ' ' + className + '#' + methodName + methodDescriptor + ':' + line;
    Integer seen = seenInThisClass.get(base);
    int rank = seen == null ? 1 : seen + 1;
    seenInThisClass.put(base, rank);
    String key = base + '#' + rank;
    Integer id = known.get(key);
    if (id == null) {
      // no computeIfAbsent: the registry takes its own lock, and no lambda on the start-up path
      id = delegate.register(className, methodName, methodDescriptor, sourceFile, line, loaderName);
      Integer raced = known.putIfAbsent(key, id);
      if (raced != null) {
        id = raced;
      }
    }
    return id;
  }
}
