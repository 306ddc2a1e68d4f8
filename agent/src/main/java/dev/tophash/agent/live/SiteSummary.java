package dev.tophash.agent.live;

import dev.tophash.map.Counter;
import dev.tophash.map.Metric;
import dev.tophash.map.SiteInfo;
import dev.tophash.map.SiteSnapshot;
import java.beans.ConstructorProperties;

/** One site as the MBean shows it (an open-type composite through the MXBean mapping). */
public final class SiteSummary {
  private final int id;
  private final String key;
  private final String className;
  private final String methodName;
  private final int line;
  private final String loader;
  private final long maps;
  private final long operations;
  private final long doublingGrows;
  private final long sameSizeGrows;
  private final long resizes;
  private final long maxEvacuationStepNanos;
  private final long maxGrowNanos;

  /** Creates a summary; the MXBean mapping reconstructs it through this constructor. */
  @ConstructorProperties({"id", "key", "className", "methodName", "line", "loader", "maps",
      "operations", "doublingGrows", "sameSizeGrows", "resizes", "maxEvacuationStepNanos",
      "maxGrowNanos"})
  public SiteSummary(int id, String key, String className, String methodName, int line,
      String loader, long maps, long operations, long doublingGrows, long sameSizeGrows,
      long resizes, long maxEvacuationStepNanos, long maxGrowNanos) {
    this.id = id;
    this.key = key;
    this.className = className;
    this.methodName = methodName;
    this.line = line;
    this.loader = loader;
    this.maps = maps;
    this.operations = operations;
    this.doublingGrows = doublingGrows;
    this.sameSizeGrows = sameSizeGrows;
    this.resizes = resizes;
    this.maxEvacuationStepNanos = maxEvacuationStepNanos;
    this.maxGrowNanos = maxGrowNanos;
  }

  /** Summarises one site snapshot. */
  static SiteSummary of(SiteSnapshot s) {
    SiteInfo i = s.site();
    return new SiteSummary(i.id(), i.key(), i.className(), i.methodName(), i.line(),
        i.loaderName(), s.counter(Counter.MAPS), operations(s), s.counter(Counter.DOUBLING_GROWS),
        s.counter(Counter.SAME_SIZE_GROWS), s.counter(Counter.RESIZES),
        s.histogram(Metric.EVAC_STEP_NANOS).getMaxValue(),
        Math.max(s.histogram(Metric.GROW_TOTAL_NANOS).getMaxValue(),
            s.histogram(Metric.RESIZE_NANOS).getMaxValue()));
  }

  /** Operations a site's maps performed, from its counters. */
  static long operations(SiteSnapshot s) {
    return s.counter(Counter.LOOKUPS) + s.counter(Counter.INSERTS) + s.counter(Counter.UPDATES)
        + s.counter(Counter.DELETES) + s.counter(Counter.DELETE_MISSES);
  }

  /** The site's id in this JVM. */
  public int getId() { return id; }

  /** The stable key {@code class#method:line}. */
  public String getKey() { return key; }

  /** The class holding the site. */
  public String getClassName() { return className; }

  /** The method holding the site. */
  public String getMethodName() { return methodName; }

  /** The source line, or -1. */
  public int getLine() { return line; }

  /** The defining loader's name. */
  public String getLoader() { return loader; }

  /** Maps allocated at the site. */
  public long getMaps() { return maps; }

  /** Operations recorded on the site's maps. */
  public long getOperations() { return operations; }

  /** Doubling grows. */
  public long getDoublingGrows() { return doublingGrows; }

  /** Same-size grows. */
  public long getSameSizeGrows() { return sameSizeGrows; }

  /** impl=hashmap: HashMap resizes. */
  public long getResizes() { return resizes; }

  /** The longest evacuation step, in nanoseconds. */
  public long getMaxEvacuationStepNanos() { return maxEvacuationStepNanos; }

  /** The longest grow (or HashMap resize), in nanoseconds. */
  public long getMaxGrowNanos() { return maxGrowNanos; }
}
