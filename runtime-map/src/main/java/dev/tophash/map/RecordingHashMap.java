package dev.tophash.map;

import java.io.ObjectStreamException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The A arm of an A/B comparison ({@code impl=hashmap}): {@link HashMap} itself, with HashMap's
 * table and algorithm, recording per site what can be known from outside: maps allocated,
 * operations by kind, peak sizes, and resize pauses, i.e. the time of each write that crosses
 * HashMap's resize threshold (known from the constructor arguments: the table starts at
 * {@code tableSizeFor(initialCapacity)} or 16 buckets, is allocated by the first write, and
 * doubles when the size passes {@code capacity × loadFactor}).
 *
 * <p>It has exactly {@link TophashMap}'s constructor and factory shapes so that the agent rewrites
 * the same sites to either class. It serializes as a plain HashMap.
 */
public class RecordingHashMap<K, V> extends HashMap<K, V> {
  private static final long serialVersionUID = 1L;
  private static final int MAXIMUM_CAPACITY = 1 << 30;

  final int site;
  private final float loadFactor;
  private transient SiteBuffer rec;
  /** HashMap's table length once allocated, else the length its first write will allocate. */
  private transient int capacity;
  private transient boolean allocated;
  private transient int peakLevel;

  /** As {@code new HashMap<>()}. */
  public RecordingHashMap() {
    this((Void) null, MapSites.UNATTRIBUTED);
  }

  /** As {@code new HashMap<>(initialCapacity)}. */
  public RecordingHashMap(int initialCapacity) {
    this(initialCapacity, MapSites.UNATTRIBUTED);
  }

  /** As {@code new HashMap<>(initialCapacity, loadFactor)}. */
  public RecordingHashMap(int initialCapacity, float loadFactor) {
    this(initialCapacity, loadFactor, MapSites.UNATTRIBUTED);
  }

  /** As {@code new HashMap<>(m)}. */
  public RecordingHashMap(Map<? extends K, ? extends V> m) {
    this(m, MapSites.UNATTRIBUTED);
  }

  /** {@code new HashMap<>()} at {@code site}; the Void only keeps the descriptor apart from (int). */
  public RecordingHashMap(Void noHint, int site) {
    super();
    this.site = site;
    this.loadFactor = 0.75f;
    this.capacity = 16;
    init(-1);
  }

  /** {@code new HashMap<>(initialCapacity)} at {@code site}. */
  public RecordingHashMap(int initialCapacity, int site) {
    this(initialCapacity, 0.75f, site);
  }

  /** {@code new HashMap<>(initialCapacity, loadFactor)} at {@code site}. */
  public RecordingHashMap(int initialCapacity, float loadFactor, int site) {
    super(initialCapacity, loadFactor);
    this.site = site;
    this.loadFactor = loadFactor;
    this.capacity = tableSizeFor(initialCapacity);
    init(initialCapacity);
  }

  /** {@code new HashMap<>(m)} at {@code site}. */
  public RecordingHashMap(Map<? extends K, ? extends V> m, int site) {
    super();
    this.site = site;
    this.loadFactor = 0.75f;
    this.capacity = 16;
    init(m.size());
    putAll(m);
  }

  /** {@code HashMap.newHashMap(numMappings)} for users: sized as HashMap sizes it. */
  public static <K, V> RecordingHashMap<K, V> newHashMap(int numMappings) {
    if (numMappings < 0) {
      throw new IllegalArgumentException("Negative number of mappings: " + numMappings);
    }
    return new RecordingHashMap<>(MapSites.hashMapCapacity(numMappings));
  }

  /*
   * The sited factories, as TophashMap's: a map that maps=N leaves untracked is a plain HashMap.
   */

  /** {@code new HashMap<>()} at {@code site}. */
  public static <K, V> HashMap<K, V> constructAt(int site) {
    return MapSites.nextUntracked(site)
        ? MapSites.counted(site, new HashMap<K, V>())
        : new RecordingHashMap<>((Void) null, site);
  }

  /** {@code new HashMap<>(initialCapacity)} at {@code site}. */
  public static <K, V> HashMap<K, V> constructAt(int site, int initialCapacity) {
    return constructAt(site, initialCapacity, 0.75f);
  }

  /** {@code new HashMap<>(initialCapacity, loadFactor)} at {@code site}. */
  public static <K, V> HashMap<K, V> constructAt(int site, int initialCapacity, float loadFactor) {
    return MapSites.nextUntracked(site)
        ? MapSites.counted(site, new HashMap<K, V>(initialCapacity, loadFactor))
        : new RecordingHashMap<>(initialCapacity, loadFactor, site);
  }

  /** {@code new HashMap<>(m)} at {@code site}. */
  public static <K, V> HashMap<K, V> constructAt(int site, Map<? extends K, ? extends V> m) {
    return MapSites.nextUntracked(site)
        ? MapSites.counted(site, new HashMap<K, V>(m))
        : new RecordingHashMap<>(m, site);
  }

  /** The rewrite of {@code HashMap.newHashMap(numMappings)} at {@code site}. */
  public static <K, V> HashMap<K, V> newHashMapAt(int numMappings, int site) {
    if (numMappings < 0) {
      throw new IllegalArgumentException("Negative number of mappings: " + numMappings);
    }
    return constructAt(site, MapSites.hashMapCapacity(numMappings));
  }

  /** The id of the site this map was allocated at. */
  public int site() {
    return site;
  }

  private static int tableSizeFor(int cap) {
    int n = -1 >>> Integer.numberOfLeadingZeros(Math.max(cap, 1) - 1);
    return n < 0 ? 1 : n >= MAXIMUM_CAPACITY ? MAXIMUM_CAPACITY : n + 1;
  }

  private void init(int hint) {
    if (!Recording.enabled()) {
      return;
    }
    SiteRecorder recorder = MapSites.recorder(site);
    SiteBuffer r = recorder.buffer();
    r.counters[Counter.MAPS.ordinal()]++;
    if (recorder.trackNext(Recording.mapSample())) {
      r.counters[Counter.MAPS_TRACKED.ordinal()]++;
      SiteBuffer.moveLevel(r.peakLevels, -1, 0);
      if (hint >= 0) {
        r.event(Metric.HINT, hint);
      }
      rec = r;
    }
  }

  private SiteBuffer buffer() {
    SiteBuffer r = rec;
    if (r.owner != Thread.currentThread()) {
      r = MapSites.recorder(site).buffer();
      rec = r;
    }
    return r;
  }

  private void count(Counter c) {
    SiteBuffer r = buffer();
    if (r.sample()) {
      r.counters[c.ordinal()]++;
    }
  }

  /** Whether the next new key makes HashMap allocate or resize its table. */
  private boolean resizesOnInsert() {
    return !allocated || size() + 1 > (long) (capacity * loadFactor);
  }

  /** Called after a write: records the resize pause if the write crossed the threshold. */
  private void afterWrite(int sizeBefore, boolean timed, long t0) {
    int n = size();
    if (n > sizeBefore) {
      count(Counter.INSERTS);
      if (timed) {
        long t1 = System.nanoTime();
        SiteBuffer r = buffer();
        r.event(Metric.RESIZE_NANOS, t1 - t0);
        r.counters[Counter.RESIZES.ordinal()]++;
      }
      if (!allocated) {
        allocated = true;
      }
      while (n > capacity * loadFactor && capacity < MAXIMUM_CAPACITY) {
        capacity <<= 1;
      }
      int level = 32 - Integer.numberOfLeadingZeros(n);
      if (level > peakLevel) {
        SiteBuffer.moveLevel(buffer().peakLevels, peakLevel, level);
        peakLevel = level;
      }
    } else if (n < sizeBefore) {
      count(Counter.DELETES);
    } else {
      count(Counter.UPDATES);
    }
  }

  @Override
  public V get(Object key) {
    if (rec != null) {
      count(Counter.LOOKUPS);
    }
    return super.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    if (rec != null) {
      count(Counter.LOOKUPS);
    }
    return super.containsKey(key);
  }

  @Override
  public V getOrDefault(Object key, V defaultValue) {
    if (rec != null) {
      count(Counter.LOOKUPS);
    }
    return super.getOrDefault(key, defaultValue);
  }

  @Override
  public V put(K key, V value) {
    if (rec == null) {
      return super.put(key, value);
    }
    int before = size();
    boolean timed = resizesOnInsert();
    long t0 = timed ? System.nanoTime() : 0;
    V v = super.put(key, value);
    afterWrite(before, timed, t0);
    return v;
  }

  @Override
  public V putIfAbsent(K key, V value) {
    if (rec == null) {
      return super.putIfAbsent(key, value);
    }
    int before = size();
    boolean timed = resizesOnInsert();
    long t0 = timed ? System.nanoTime() : 0;
    V v = super.putIfAbsent(key, value);
    afterWrite(before, timed, t0);
    return v;
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> m) {
    if (rec == null) {
      super.putAll(m);
      return;
    }
    int before = size();
    boolean timed = !allocated || before + m.size() > (long) (capacity * loadFactor);
    long t0 = timed ? System.nanoTime() : 0;
    super.putAll(m);
    afterWrite(before, timed, t0);
  }

  @Override
  public V remove(Object key) {
    if (rec == null) {
      return super.remove(key);
    }
    int before = size();
    V v = super.remove(key);
    count(size() < before ? Counter.DELETES : Counter.DELETE_MISSES);
    return v;
  }

  @Override
  public boolean remove(Object key, Object value) {
    if (rec == null) {
      return super.remove(key, value);
    }
    boolean removed = super.remove(key, value);
    count(removed ? Counter.DELETES : Counter.DELETE_MISSES);
    return removed;
  }

  @Override
  public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
    if (rec == null) {
      return super.computeIfAbsent(key, mappingFunction);
    }
    int before = size();
    boolean timed = resizesOnInsert();
    long t0 = timed ? System.nanoTime() : 0;
    V v = super.computeIfAbsent(key, mappingFunction);
    afterWrite(before, timed, t0);
    return v;
  }

  @Override
  public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
    if (rec == null) {
      return super.compute(key, remappingFunction);
    }
    int before = size();
    boolean timed = resizesOnInsert();
    long t0 = timed ? System.nanoTime() : 0;
    V v = super.compute(key, remappingFunction);
    afterWrite(before, timed, t0);
    return v;
  }

  @Override
  public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
    if (rec == null) {
      return super.merge(key, value, remappingFunction);
    }
    int before = size();
    boolean timed = resizesOnInsert();
    long t0 = timed ? System.nanoTime() : 0;
    V v = super.merge(key, value, remappingFunction);
    afterWrite(before, timed, t0);
    return v;
  }

  @Override
  public void clear() {
    if (rec != null && !isEmpty()) {
      count(Counter.CLEARS);
    }
    super.clear();
  }

  /** Serializes as a plain {@link HashMap}, so a JVM without tophash reads it back. */
  private Object writeReplace() throws ObjectStreamException {
    return new HashMap<>(this);
  }
}
