package dev.tophash.agent.live;

import dev.tophash.agent.transform.HashMapSiteTransformer;
import dev.tophash.map.Counter;
import dev.tophash.map.MapSites;
import dev.tophash.map.Metric;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteSnapshot;
import java.util.HashMap;
import java.util.Map;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import org.HdrHistogram.Histogram;

/**
 * JFR periodic events derived from the site registry, so that JDK Mission Control shows map grows
 * and long evacuation steps beside GC pauses.
 *
 * <p>The map itself lives on the bootstrap class path and records into HdrHistograms; emitting a
 * JFR event per grow from there would tie it to {@code jdk.jfr}. Instead, while a recording is
 * running, JFR calls two hooks here once per period; each takes a cumulative snapshot, subtracts
 * the previous one and emits one event per site that grew or evacuated in the period. With no
 * recording running they cost nothing. Callers check {@link #available()} first: a runtime built
 * without the {@code jdk.jfr} module must never load this class.
 *
 * <p>The hooks are registered when the flight recorder initialises ({@link #registerOnRecorderStart}):
 * at once when a recording already runs ({@code -XX:StartFlightRecording}), or when the first
 * one starts later ({@code jcmd JFR.start}, the JDK's own API). Registering a periodic event
 * makes JFR set up its event machinery (some 300 classes, measured 0.1 s and more), which a
 * JVM that never records should not pay for.
 */
public final class JfrEvents {
  /** An evacuation step at least this long is counted as long. */
  public static final long LONG_STEP_NANOS = 100_000;

  private final Runnable growsHook = new Runnable() {
    private final Map<Integer, SiteSnapshot> previous = new HashMap<>();

    @Override
    public void run() {
      HashMapSiteTransformer.withoutRewriting(() -> emitGrows(MapSites.snapshot(false), previous));
    }
  };

  private final Runnable evacuationHook = new Runnable() {
    private final Map<Integer, SiteSnapshot> previous = new HashMap<>();

    @Override
    public void run() {
      HashMapSiteTransformer.withoutRewriting(
          () -> emitEvacuation(MapSites.snapshot(false), previous));
    }
  };

  private final FlightRecorderListener listener = new FlightRecorderListener() {
    @Override
    public void recorderInitialized(FlightRecorder recorder) {
      HashMapSiteTransformer.withoutRewriting(() -> {
        register();
        return null;
      });
    }
  };
  private boolean registered;
  private boolean removed;

  /** Whether the running JVM has the {@code jdk.jfr} module. */
  public static boolean available() {
    return ModuleLayer.boot().findModule("jdk.jfr").isPresent();
  }

  /**
   * Registers both periodic hooks once the flight recorder is initialised: now, if it is, or from
   * the thread that initialises it later.
   */
  public void registerOnRecorderStart() {
    FlightRecorder.addListener(listener);
  }

  /** Registers both periodic hooks with the flight recorder now (once). */
  public synchronized void register() {
    if (registered || removed) {
      return;
    }
    FlightRecorder.addPeriodicEvent(SiteGrowsEvent.class, growsHook);
    FlightRecorder.addPeriodicEvent(EvacuationStepsEvent.class, evacuationHook);
    registered = true;
  }

  /**
   * Removes the hooks, or the wait for the recorder (detach). No lock of ours is held while
   * calling JFR: the recorder calls {@link #register} holding its own.
   */
  public void unregister() {
    FlightRecorder.removeListener(listener);
    boolean wasRegistered;
    synchronized (this) {
      removed = true;
      wasRegistered = registered;
      registered = false;
    }
    if (wasRegistered) {
      FlightRecorder.removePeriodicEvent(growsHook);
      FlightRecorder.removePeriodicEvent(evacuationHook);
    }
  }

  /** Emits one {@code dev.tophash.SiteGrows} event per site that grew since {@code previous}. */
  static int emitGrows(ProfileSnapshot now, Map<Integer, SiteSnapshot> previous) {
    int emitted = 0;
    for (SiteSnapshot s : now.sites()) {
      SiteSnapshot p = previous.put(s.site().id(), s);
      long doubling = delta(s, p, Counter.DOUBLING_GROWS);
      long sameSize = delta(s, p, Counter.SAME_SIZE_GROWS);
      long resizes = delta(s, p, Counter.RESIZES);
      if (doubling + sameSize + resizes == 0) {
        continue;
      }
      SiteGrowsEvent e = new SiteGrowsEvent();
      e.site = s.site().key();
      e.maps = delta(s, p, Counter.MAPS);
      e.doublingGrows = doubling;
      e.sameSizeGrows = sameSize;
      e.resizes = resizes;
      e.maxGrow = Math.max(period(s, p, Metric.GROW_TOTAL_NANOS).getMaxValue(),
          period(s, p, Metric.RESIZE_NANOS).getMaxValue());
      e.maxOverflowBuckets = period(s, p, Metric.GROW_OVERFLOW).getMaxValue();
      e.commit();
      emitted++;
    }
    return emitted;
  }

  /** Emits one {@code dev.tophash.EvacuationSteps} event per site that evacuated since {@code previous}. */
  static int emitEvacuation(ProfileSnapshot now, Map<Integer, SiteSnapshot> previous) {
    int emitted = 0;
    for (SiteSnapshot s : now.sites()) {
      SiteSnapshot p = previous.put(s.site().id(), s);
      Histogram steps = period(s, p, Metric.EVAC_STEP_NANOS);
      if (steps.getTotalCount() == 0) {
        continue;
      }
      EvacuationStepsEvent e = new EvacuationStepsEvent();
      e.site = s.site().key();
      e.steps = steps.getTotalCount();
      e.longSteps = steps.getMaxValue() < LONG_STEP_NANOS ? 0
          : steps.getCountBetweenValues(LONG_STEP_NANOS, steps.getMaxValue());
      e.maxStep = steps.getMaxValue();
      e.p99Step = steps.getValueAtPercentile(99);
      e.commit();
      emitted++;
    }
    return emitted;
  }

  private static long delta(SiteSnapshot now, SiteSnapshot before, Counter c) {
    return now.counter(c) - (before == null ? 0 : before.counter(c));
  }

  /** What {@code now} recorded since {@code before}, as a new histogram. */
  private static Histogram period(SiteSnapshot now, SiteSnapshot before, Metric m) {
    Histogram h = now.histogram(m).copy();
    if (before != null && before.histogram(m).getTotalCount() > 0) {
      try {
        h.subtract(before.histogram(m));
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
        return now.histogram(m); // counts went backwards: report the cumulative view
      }
    }
    return h;
  }
}
