package dev.tophash.agent;

import dev.tophash.agent.live.JfrEvents;
import dev.tophash.agent.live.Profiler;
import dev.tophash.agent.transform.HashMapSiteTransformer;
import dev.tophash.agent.transform.SiteRegistry;
import dev.tophash.agent.transform.SiteTransformer;
import dev.tophash.map.MapSites;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.Recording;
import dev.tophash.reports.IntervalLog;
import dev.tophash.reports.ReportWriter;
import dev.tophash.reports.RunInfo;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * One installation of the agent in this JVM: the transformer, the shutdown hook, the interval
 * log thread, the MBean and the JFR hooks, and the run description that goes into every report.
 *
 * <p>Threads: the interval log and the deferred start of the live views (and, with premain, the
 * wait for JMX to come into use before the MBean is registered) run on one daemon thread of their
 * own ({@code tophash-interval}); the shutdown hook ({@code tophash-shutdown}) writes the
 * final report on a daemon worker (the report writer adds a helper of its own,
 * {@code tophash-report-writer}) and waits for it at most {@value #SHUTDOWN_BUDGET_MILLIS} ms.
 * Report writes are serialised on this object.
 */
final class ProfilingSession {
  /** How long the shutdown hook waits for the final report before abandoning it. */
  static final long SHUTDOWN_BUDGET_MILLIS = 15_000;
  /** With premain, the MBean and JFR hooks are set up this late, off the start-up path. */
  static final long LIVE_VIEWS_DELAY_MILLIS = 1_000;
  /** With premain, how often the MBean waits for JMX to come into use (see {@link #startMBean}). */
  static final long MBEAN_POLL_MILLIS = 1_000;
  /** The report writer's helper threads: daemons whose class loading is never rewritten. */
  private static final ThreadFactory REPORT_THREADS = new ThreadFactory() {
    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(new Runnable() {
        @Override
        public void run() {
          HashMapSiteTransformer.suppressOnThisThread();
          r.run();
        }
      }, "tophash-report-writer");
      t.setDaemon(true);
      return t;
    }
  };
  /** Site ids already handed out, kept across detach and a later attach. */
  private static final ConcurrentHashMap<String, Integer> KNOWN_SITES = new ConcurrentHashMap<>();

  private final AgentConfig config;
  private final Instrumentation inst;
  private final boolean attached;
  private final Path reportDir;
  private final PrintStream err = System.err;
  /** The run description; created at the first report (its pid lookup is slow at start-up). */
  private RunInfo run;
  private long startEpochMillis;
  private final List<String> notes = new ArrayList<>();
  private final HashMapSiteTransformer transformer;
  private final Thread shutdownHook;
  private volatile Thread intervalThread;
  private volatile boolean stopped;
  private final Object sleeper = new Object();
  private IntervalLog intervalLog;
  private JfrEvents jfr;
  private boolean mbeanRegistered;
  private boolean reportFailureShown;

  ProfilingSession(AgentConfig config, Instrumentation inst, boolean attached) {
    this.config = config;
    this.inst = inst;
    this.attached = attached;
    this.reportDir = config.reportDir(Pid.current());
    this.transformer = new HashMapSiteTransformer(config.classFilter(), config.impl().internalName(),
        new MapSitesRegistry(), KNOWN_SITES, inst, err, config.verbose());
    this.shutdownHook = new Thread(new Runnable() {
      @Override
      public void run() {
        onShutdown();
      }
    }, "tophash-shutdown");
  }

  /** {@link MapSites#register}, without a method reference on the start-up path. */
  private static final class MapSitesRegistry implements SiteRegistry {
    @Override
    public int register(String className, String methodName, String methodDescriptor,
        String sourceFile, int line, String loaderName) {
      return MapSites.register(className, methodName, methodDescriptor, sourceFile, line,
          loaderName);
    }
  }

  Path reportDir() {
    return reportDir;
  }

  /** Configures recording, installs the transformer and starts the hooks and threads. */
  void install() {
    long began = System.nanoTime();
    Recording.configure(config.record(), config.sample(), config.maps(), config.racesThrow());
    startEpochMillis = System.currentTimeMillis();
    if (attached) {
      notes.add("attached to a running JVM at " + Instant.ofEpochMilli(startEpochMillis)
          + ": maps allocated before then are plain java.util.HashMaps and are not covered, "
          + "nor are allocations by methods that were already running");
    }
    if (config.jdk()) {
      // JDK classes loaded from inside a transformation would be left alone: load ours first
      warmUp();
    }
    inst.addTransformer(transformer, true);
    if (attached || config.jdk()) {
      // after attach, the application's classes; with premain and jdk=true, the JDK classes
      // loaded before the agent (HashSet, Collectors, ...)
      retransformLoadedClasses();
    }
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    Thread t = new Thread(new Runnable() {
      @Override
      public void run() {
        HashMapSiteTransformer.suppressOnThisThread();
        backgroundLoop();
      }
    }, "tophash-interval");
    t.setDaemon(true);
    intervalThread = t;
    t.start();
    err.println("tophash: profiling HashMap sites (impl=" + config.impl().optionValue()
        + (attached ? ", attached" : "") + "), report -> " + reportDir);
    if (config.verbose()) {
      err.println("tophash: installed in " + (System.nanoTime() - began) / 1_000_000 + " ms, "
          + transformer.classesRewritten() + " loaded class(es) rewritten");
    }
  }

  /**
   * Rewrites one tiny class before the transformer is installed, so that the classes the
   * transformer itself needs (ASM, the registry wrapper) are loaded now and not from inside
   * another class's transformation.
   */
  private static void warmUp() {
    byte[] probe = WarmUpProbe.classFile();
    if (probe != null) {
      SiteTransformer.rewrite(probe, "warm-up", "dev/tophash/map/TophashMap", new SiteRegistry() {
        @Override
        public int register(String c, String m, String d, String s, int l, String n) {
          return 0;
        }
      });
    }
  }

  /** Retransforms every loaded class the filter admits, so that attach rewrites them too. */
  private void retransformLoadedClasses() {
    List<Class<?>> candidates = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (inst.isModifiableClass(c) && !c.isArray() && !c.isPrimitive() && !c.isHidden()
          && transformer.admits(c)) {
        candidates.add(c);
      }
    }
    retransform(candidates);
  }

  /** Retransforms in batches; a failing batch is retried class by class and failures counted. */
  private void retransform(List<Class<?>> classes) {
    final int batch = 256;
    for (int i = 0; i < classes.size(); i += batch) {
      List<Class<?>> part = classes.subList(i, Math.min(classes.size(), i + batch));
      try {
        inst.retransformClasses(part.toArray(new Class<?>[0]));
      } catch (Throwable t) {
        for (Class<?> c : part) {
          try {
            inst.retransformClasses(c);
          } catch (Throwable one) {
            transformer.countFailure();
            if (config.verbose()) {
              err.println("tophash: could not retransform " + c.getName() + ": " + one);
            }
          }
        }
      }
    }
  }

  /** The interval log and, after a short delay, the live views; a daemon thread. */
  private void backgroundLoop() {
    try {
      long delay = attached ? 0 : LIVE_VIEWS_DELAY_MILLIS;
      long period = config.interval().toMillis();
      long liveAt = System.currentTimeMillis() + delay;
      long nextInterval = period > 0 ? System.currentTimeMillis() + period : Long.MAX_VALUE;
      boolean jfrStarted = false;
      boolean mbeanDone = false;
      while (!stopped) {
        long now = System.currentTimeMillis();
        if (!mbeanDone && now >= liveAt) {
          if (!jfrStarted) {
            startJfrHooks();
            jfrStarted = true;
          }
          mbeanDone = startMBean();
          liveAt = now + MBEAN_POLL_MILLIS;
        }
        if (now >= nextInterval) {
          if (!appendInterval()) {
            nextInterval = Long.MAX_VALUE;
          } else {
            nextInterval = Math.max(nextInterval + period, now + 1);
          }
        }
        long wake = Math.min(mbeanDone ? Long.MAX_VALUE : liveAt, nextInterval);
        if (wake == Long.MAX_VALUE) {
          break;
        }
        synchronized (sleeper) {
          long sleep = wake - System.currentTimeMillis();
          if (sleep > 0 && !stopped) {
            sleeper.wait(sleep);
          }
        }
      }
    } catch (Throwable t) {
      err.println("tophash: interval log stopped: " + t);
    }
  }

  /**
   * Registers the MBean: after attach at once; with premain only once JMX is in use in the JVM
   * ({@link Profiler#jmxInUse}), which the background loop checks every
   * {@value #MBEAN_POLL_MILLIS} ms, so that a JVM nobody watches over JMX does not pay for the
   * platform MBean server. A failure is one line and changes nothing else.
   *
   * @return true when there is nothing more to do (registered, failed, or stopped)
   */
  private synchronized boolean startMBean() {
    if (stopped) {
      return true;
    }
    try {
      if (!attached && !Profiler.jmxInUse()) {
        return false;
      }
      Profiler.register(new Profiler(config.raw(), config.impl().optionValue(),
          reportDir.toString(), transformer::classesRewritten, transformer::classesSkipped,
          () -> HashMapSiteTransformer.withoutRewriting(
              () -> writeReport(reportDir, "dump (JMX)"))));
      mbeanRegistered = true;
    } catch (Throwable t) {
      err.println("tophash: MBean " + Profiler.OBJECT_NAME + " not registered: " + t);
    }
    return true;
  }

  /** Sets up the JFR hooks ({@link JfrEvents}); a failure is one line and changes nothing else. */
  private synchronized void startJfrHooks() {
    if (stopped) {
      return;
    }
    try {
      if (JfrEvents.available()) {
        JfrEvents j = new JfrEvents();
        j.registerOnRecorderStart();
        jfr = j;
      }
    } catch (Throwable t) {
      err.println("tophash: JFR events not registered: " + t);
    }
  }

  private synchronized void stopLiveViews() {
    if (mbeanRegistered) {
      Profiler.unregister();
      mbeanRegistered = false;
    }
    if (jfr != null) {
      try {
        jfr.unregister();
      } catch (Throwable t) {
        // the recorder may already be shut down
      }
      jfr = null;
    }
  }

  /** Appends one interval to {@code intervals.hlog}; false after a failure, which stops the log. */
  private synchronized boolean appendInterval() {
    if (stopped) {
      return false;
    }
    try {
      Path file = reportDir.resolve("intervals.hlog");
      if (intervalLog != null && !Files.exists(file)) {
        // Deleted under us (the report directory removed while the application runs): appending
        // to the unlinked file would lose everything without a word. Say so once and start anew.
        closeIntervalLog();
        err.println("tophash: " + file + " was deleted while the application ran; "
            + "a new interval log starts there now (earlier intervals are lost)");
      }
      if (intervalLog == null) {
        Files.createDirectories(reportDir);
        intervalLog = new IntervalLog(file, MapSites.startEpochMillis());
      }
      intervalLog.append(MapSites.snapshot(true));
      return true;
    } catch (Throwable t) {
      err.println("tophash: could not append to " + reportDir.resolve("intervals.hlog") + ": " + t
          + " (interval log stopped)");
      closeIntervalLog();
      return false;
    }
  }

  private synchronized void closeIntervalLog() {
    if (intervalLog != null) {
      try {
        intervalLog.close();
      } catch (Throwable t) {
        // best effort
      }
      intervalLog = null;
    }
  }

  /**
   * Writes a full report into {@code dir}.
   *
   * @param why what triggered it, for verbose output
   * @return a line for the CLI: where it went, or the error
   */
  synchronized String writeReport(Path dir, String why) {
    if (run == null) {
      run = new RunInfo();
      run.startEpochMillis = startEpochMillis;
      run.options = config.raw();
      run.impl = config.impl().optionValue();
      run.attached = attached;
    }
    run.notes.clear();
    run.notes.addAll(notes);
    if (transformer.methodsSkipped() > 0) {
      run.notes.add(transformer.methodsSkipped() + " method(s) too large to grow were left as they "
          + "were; their HashMap allocations are not covered");
    }
    run.endEpochMillis = System.currentTimeMillis();
    run.classesRewritten = transformer.classesRewritten();
    run.classesSkipped = transformer.classesSkipped();
    run.classesFailed = transformer.classesFailed();
    run.sitesRewritten = transformer.sitesRewritten();
    try {
      long t0 = System.nanoTime();
      ProfileSnapshot snapshot = MapSites.snapshot(false);
      long t1 = System.nanoTime();
      ReportWriter.write(dir, run, snapshot, REPORT_THREADS, config.hgrm());
      if (config.verbose()) {
        err.println("tophash: report (" + why + ") written to " + dir + " in "
            + (System.nanoTime() - t0) / 1_000_000 + " ms (snapshot of "
            + snapshot.sites().size() + " sites " + (t1 - t0) / 1_000_000 + " ms); "
            + transformer.classesScanned() + " classes read for rewriting in "
            + transformer.scanNanos() / 1_000_000 + " ms so far");
      }
      return "report written to " + dir;
    } catch (Throwable t) {
      String msg = "tophash: could not write the report to " + dir + ": " + t;
      if (!reportFailureShown || config.verbose()) {
        err.println(msg);
        reportFailureShown = true;
      }
      return "error: " + msg;
    }
  }

  /** Stops the background work: the interval log gets its final interval and is closed. */
  private void stopBackground() {
    stopped = true;
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
    Thread t = intervalThread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (intervalLog != null) {
        try {
          intervalLog.append(MapSites.snapshot(true));
        } catch (Throwable e) {
          // the final interval is best effort
        }
      }
      closeIntervalLog();
    }
  }

  /** The shutdown hook: final interval, final report, within the budget; never throws. */
  private void onShutdown() {
    try {
      Thread worker = new Thread(new Runnable() {
        @Override
        public void run() {
          HashMapSiteTransformer.suppressOnThisThread();
          try {
            stopBackground();
            writeReport(reportDir, "shutdown");
          } catch (Throwable t) {
            err.println("tophash: report at shutdown failed: " + t);
          }
        }
      }, "tophash-final-report");
      worker.setDaemon(true);
      worker.start();
      worker.join(SHUTDOWN_BUDGET_MILLIS);
      if (worker.isAlive()) {
        err.println("tophash: the final report did not finish within "
            + SHUTDOWN_BUDGET_MILLIS / 1000 + " s and was abandoned");
      }
    } catch (Throwable t) {
      // never disturb the JVM's exit
    }
  }

  /**
   * Detaches: stops rewriting, restores the original bytecode of every rewritten class (new
   * allocations are plain HashMaps again), stops the background work and writes a final report.
   *
   * @return a line for the CLI
   */
  String detach() {
    transformer.deactivate();
    inst.removeTransformer(transformer);
    List<Class<?>> restore = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (inst.isModifiableClass(c) && transformer.wasRewritten(c)) {
        restore.add(c);
      }
    }
    retransform(restore);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook writes the report
    }
    stopBackground();
    stopLiveViews();
    synchronized (this) {
      notes.add("detached at " + Instant.now() + ": " + restore.size() + " class(es) restored "
          + "to their original bytecode; maps allocated before then are still counted");
    }
    String r = writeReport(reportDir, "detach");
    return "detached, " + restore.size() + " class(es) restored; " + r;
  }
}
