package dev.tophash.map;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of allocation sites and the entry point for snapshots of what they recorded.
 *
 * <p>Site ids are dense, start at 1, and never change for the life of the JVM; id 0 is the
 * {@linkplain #UNATTRIBUTED unattributed} site, to which maps created directly by user code (with
 * no site id) are attributed. Registering the same {@code class#method:line} with the same loader
 * again gets the next ordinal, so callers register each bytecode site exactly once (the agent does
 * so when it rewrites a class).
 *
 * <p>The registry itself uses a plain lock: registration happens at class-transformation time and
 * snapshots are taken by one reporting thread at a time; neither is on a map's hot path.
 */
public final class MapSites {
  /** The id of the site to which maps created without a site id are attributed. */
  public static final int UNATTRIBUTED = 0;

  private static final Object LOCK = new Object();
  private static volatile SiteRecorder[] recorders = new SiteRecorder[64];
  private static int size;
  private static final Map<String, Integer> ORDINALS = new HashMap<>();
  private static final long START_MILLIS = System.currentTimeMillis();
  private static long lastIntervalEnd = START_MILLIS;

  static {
    recorders[0] = new SiteRecorder(new SiteInfo(0, "(unattributed)", "(direct)", "", "", -1, 0, ""));
    size = 1;
  }

  private MapSites() {}

  /**
   * Registers a site and returns its id.
   *
   * @param className binary class name, with dots or slashes
   * @param methodName the method holding the allocation
   * @param methodDescriptor its JVM descriptor, or null
   * @param sourceFile the class file's SourceFile attribute, or null
   * @param line the source line, or -1 when unknown
   * @param loaderName the defining class loader's name, or null
   */
  public static int register(String className, String methodName, String methodDescriptor,
      String sourceFile, int line, String loaderName) {
    String cls = className.replace('/', '.');
    synchronized (LOCK) {
      String base = SiteInfo.stableKey(cls, methodName, line, 0) + '@' + loaderName;
      Integer seen = ORDINALS.get(base);
      int ordinal = seen == null ? 0 : seen;
      ORDINALS.put(base, ordinal + 1);
      int id = size;
      SiteRecorder[] rs = recorders;
      if (id == rs.length) {
        rs = java.util.Arrays.copyOf(rs, rs.length * 2);
      }
      rs[id] = new SiteRecorder(
          new SiteInfo(id, cls, methodName, methodDescriptor, sourceFile, line, ordinal, loaderName));
      recorders = rs;
      size = id + 1;
      return id;
    }
  }

  /** The number of registered sites, the unattributed one included. */
  public static int count() {
    synchronized (LOCK) {
      return size;
    }
  }

  /** The description of site {@code id}. */
  public static SiteInfo site(int id) {
    return recorder(id).info();
  }

  /** The recorder of site {@code id}; an unknown id falls back to the unattributed site. */
  static SiteRecorder recorder(int id) {
    SiteRecorder[] rs = recorders;
    if (id > 0 && id < rs.length) {
      SiteRecorder r = rs[id];
      if (r != null) {
        return r;
      }
    }
    return rs[0];
  }

  /**
   * Whether map sampling ({@code maps=N}) leaves the next map allocated at {@code site}
   * untracked. The sited factories then allocate a plain {@code java.util.HashMap}, which records
   * nothing and costs nothing, and count it with {@link #counted}; otherwise the map they
   * construct is tracked.
   */
  static boolean nextUntracked(int site) {
    int n = Recording.mapSample();
    return n > 1 && Recording.enabled() && recorder(site).skipNext(n);
  }

  /**
   * Counts {@code map}, which {@link #nextUntracked} left to {@code java.util.HashMap}, as
   * allocated at {@code site} (once it is constructed: a constructor that throws counts nothing).
   */
  static <K, V> HashMap<K, V> counted(int site, HashMap<K, V> map) {
    recorder(site).buffer().counters[Counter.MAPS.ordinal()]++;
    return map;
  }

  /** The capacity {@code HashMap.newHashMap(numMappings)} passes to HashMap's constructor. */
  static int hashMapCapacity(int numMappings) {
    return (int) Math.ceil(numMappings / 0.75);
  }

  /** When recording started (this class was initialised), in epoch milliseconds. */
  public static long startEpochMillis() {
    return START_MILLIS;
  }

  /**
   * Takes a consistent snapshot of every site. Safe to call from any thread while the
   * application runs. Cumulative snapshots do not disturb the interval series.
   *
   * @param interval true for what was recorded since the previous interval snapshot, false for
   *     everything since recording started
   */
  public static ProfileSnapshot snapshot(boolean interval) {
    synchronized (LOCK) {
      long now = System.currentTimeMillis();
      List<SiteSnapshot> out = new ArrayList<>(size);
      SiteRecorder[] rs = recorders;
      for (int i = 0; i < size; i++) {
        out.add(rs[i].snapshot(interval));
      }
      long start = START_MILLIS;
      if (interval) {
        start = lastIntervalEnd;
        lastIntervalEnd = now;
      }
      return new ProfileSnapshot(start, now, interval, Recording.opSample(),
          Recording.mapSample(), out);
    }
  }
}
