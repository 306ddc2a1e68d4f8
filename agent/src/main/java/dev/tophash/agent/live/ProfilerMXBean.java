package dev.tophash.agent.live;

/**
 * The read-only JMX view of the profiler, registered as {@code dev.tophash:type=Profiler}.
 * Every attribute is computed from a fresh snapshot (at most once a second); {@link #dump()} is
 * the only operation.
 */
public interface ProfilerMXBean {
  /** Per-site summaries, one composite per site that allocated at least one map. */
  SiteSummary[] getSites();

  /** Sites registered (rewritten allocation sites), the unattributed one excluded. */
  int getSiteCount();

  /** Maps allocated at rewritten sites. */
  long getMapsAllocated();

  /** Map operations recorded (lookups, inserts, updates, deletes). */
  long getOperations();

  /** Grows (doubling and same-size) and, with impl=hashmap, resizes. */
  long getGrows();

  /** Classes rewritten. */
  long getClassesRewritten();

  /** Classes with sites that were left alone. */
  long getClassesSkipped();

  /** The agent's options as given. */
  String getOptions();

  /** {@code tophash} or {@code hashmap}. */
  String getImpl();

  /** Where reports are written. */
  String getReportDirectory();

  /** Writes a report now and returns where, or the error. */
  String dump();
}
