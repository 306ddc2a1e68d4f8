package dev.tophash.agent.live;

import dev.tophash.map.Counter;
import dev.tophash.map.MapSites;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteSnapshot;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/** The {@link ProfilerMXBean} implementation, fed by cumulative snapshots of the site registry. */
public final class Profiler implements ProfilerMXBean {
  /** The name the MBean is registered under. */
  public static final String OBJECT_NAME = "dev.tophash:type=Profiler";
  private static final long CACHE_NANOS = 1_000_000_000L;

  private final String options;
  private final String impl;
  private final String reportDirectory;
  private final LongSupplier classesRewritten;
  private final LongSupplier classesSkipped;
  private final Supplier<String> dump;
  private ProfileSnapshot cached;
  private long cachedAt;

  /**
   * Creates the MBean.
   *
   * @param dump writes a report and returns a line saying where (or what went wrong)
   */
  public Profiler(String options, String impl, String reportDirectory,
      LongSupplier classesRewritten, LongSupplier classesSkipped, Supplier<String> dump) {
    this.options = options;
    this.impl = impl;
    this.reportDirectory = reportDirectory;
    this.classesRewritten = classesRewritten;
    this.classesSkipped = classesSkipped;
    this.dump = dump;
  }

  /**
   * Whether JMX is in use in this JVM: an MBean server exists (the platform one is created by a
   * JMX agent, by the local connector that jconsole or the {@code dump} command start, or by the
   * application). Cheap, and creates nothing; creating the platform MBean server costs about
   * 0.2 s of CPU and loads some 850 classes (measured on JDK 17).
   */
  public static boolean jmxInUse() {
    return !MBeanServerFactory.findMBeanServer(null).isEmpty();
  }

  /** Registers {@code mbean} with the platform MBean server, replacing a stale registration. */
  public static void register(Profiler mbean) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName(OBJECT_NAME);
    if (server.isRegistered(name)) {
      server.unregisterMBean(name);
    }
    server.registerMBean(mbean, name);
  }

  /** Unregisters the MBean if it is registered. */
  public static void unregister() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName name = new ObjectName(OBJECT_NAME);
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (Exception e) {
      // nothing to undo
    }
  }

  private synchronized ProfileSnapshot snapshot() {
    long now = System.nanoTime();
    if (cached == null || now - cachedAt > CACHE_NANOS) {
      cached = MapSites.snapshot(false);
      cachedAt = now;
    }
    return cached;
  }

  @Override
  public SiteSummary[] getSites() {
    List<SiteSummary> out = new ArrayList<>();
    for (SiteSnapshot s : snapshot().sites()) {
      if (s.site().id() != MapSites.UNATTRIBUTED && s.counter(Counter.MAPS) > 0) {
        out.add(SiteSummary.of(s));
      }
    }
    return out.toArray(new SiteSummary[0]);
  }

  @Override
  public int getSiteCount() {
    return snapshot().sites().size() - 1;
  }

  @Override
  public long getMapsAllocated() {
    long n = 0;
    for (SiteSnapshot s : snapshot().sites()) {
      n += s.counter(Counter.MAPS);
    }
    return n;
  }

  @Override
  public long getOperations() {
    long n = 0;
    for (SiteSnapshot s : snapshot().sites()) {
      n += SiteSummary.operations(s);
    }
    return n;
  }

  @Override
  public long getGrows() {
    long n = 0;
    for (SiteSnapshot s : snapshot().sites()) {
      n += s.counter(Counter.DOUBLING_GROWS) + s.counter(Counter.SAME_SIZE_GROWS)
          + s.counter(Counter.RESIZES);
    }
    return n;
  }

  @Override
  public long getClassesRewritten() { return classesRewritten.getAsLong(); }

  @Override
  public long getClassesSkipped() { return classesSkipped.getAsLong(); }

  @Override
  public String getOptions() { return options; }

  @Override
  public String getImpl() { return impl; }

  @Override
  public String getReportDirectory() { return reportDirectory; }

  @Override
  public String dump() {
    return dump.get();
  }
}
