package dev.tophash.map;

import java.io.ObjectStreamException;
import java.util.AbstractCollection;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link HashMap} that is Go's classic runtime map: 8-slot buckets with one tophash byte per
 * slot, overflow buckets, a load factor of 6.5, incremental evacuation into X/Y halves,
 * emptyOne/emptyRest tombstones and same-size growth. To its callers it is a HashMap in every
 * observable way but iteration order (unspecified for HashMap, deterministic here); per allocation
 * site it records how its table behaves (see {@link Metric}).
 *
 * <h2>Implementation notes</h2>
 *
 * <p><b>Layout.</b> The table of 2^B main buckets is three parallel arrays: {@code tops} holds a
 * bucket's 8 tophash bytes packed in one {@code long} (slot i in bits 8i..8i+7), {@code kv} holds
 * a bucket's keys and values interleaved in 16 consecutive references ({@code kv[16b + 2i]} is the
 * key of slot i, {@code kv[16b + 2i + 1]} its value) so that a bucket's keys and values share
 * cache lines, and {@code next} links a bucket to its first overflow bucket. Overflow buckets live
 * in an {@link Overflow} store of chunks, with Go's preallocated spares as its first chunk. A
 * fourth array, {@code filters}, holds per main bucket a 64-bit filter of the tophashes stored in
 * its overflow chain, so that a lookup missing a full main bucket rarely walks the chain. Full
 * hashes are not cached (Go does not either): evacuation calls {@code hashCode()} again, which
 * keeps a slot at 9 bytes (see the README for the measured trade).
 *
 * <p><b>Hash.</b> {@code h = mix64(hashCode ^ seed)} (SplitMix64's finaliser): the bucket
 * index is the low B bits, the tophash the top byte (plus 5 when below Go's minTopHash 5). The
 * seed is deterministic, so the same operations give the same iteration order run after run; it
 * is re-derived at Go's reseed points (the map emptied by a remove, and clear). A null key is
 * stored as a private sentinel with hash code 0, as HashMap hashes it.
 *
 * <p><b>Tophash states.</b> 0 emptyRest, 1 emptyOne, 2 evacuatedX, 3 evacuatedY, 4
 * evacuatedEmpty, ≥ 5 occupied. Lookups compare all 8 bytes of a bucket at once (SWAR byte
 * match) and stop at the first emptyRest, exactly where Go's slot-by-slot scan stops.
 *
 * <p><b>Growth.</b> Exactly Go's: an insert of a new key that finds {@code count+1 > 8 &&
 * count+1 > 13·2^B/2} starts a doubling grow, one that finds {@code noverflow ≥ 2^min(B,15)}
 * a same-size grow; never while a grow is in progress. The new arrays are allocated before any
 * state changes (an OutOfMemoryError leaves the map as it was). Each write then evacuates at most
 * two old buckets (its own and the one at {@code nevacuate}); lookups read an old bucket until it
 * is evacuated. Old buckets keep their keys and values after evacuation so that iterators that
 * started during the grow can re-look them up; the old generation is dropped when the grow ends.
 *
 * <p><b>Iteration.</b> Iterators are fail-fast on structural modification, as HashMap's. An
 * iterator (or {@code forEach}, {@code replaceAll}) that starts on a table that is not growing
 * walks the main buckets in order and then the overflow buckets in the order they were handed
 * out, following no links. An iterator that starts during a grow walks old bucket indices: an
 * unevacuated old bucket is walked itself (entries evacuated meanwhile are re-looked-up in the
 * live map, Go's rule), an evacuated one is replaced by its X and Y buckets, so no entry is
 * returned twice or missed whatever grow work updates or {@code Iterator.remove} do meanwhile.
 *
 * <p><b>Concurrency.</b> As unsynchronized as HashMap. Writes stamp the map (Go's hashWriting,
 * best effort): a write that sees another write's stamp is counted for the site, or throws
 * {@link ConcurrentModificationException} with {@code races=throw}. Chain walks are bounded, so
 * racy misuse cannot loop forever.
 */
public class TophashMap<K, V> extends HashMap<K, V> {
  private static final long serialVersionUID = 1L;

  /* ---------------- Constants -------------- */

  static final int EMPTY_REST = 0;
  static final int EMPTY_ONE = 1;
  static final int EVACUATED_X = 2;
  static final int EVACUATED_Y = 3;
  static final int EVACUATED_EMPTY = 4;
  static final int MIN_TOP_HASH = 5;
  static final int BUCKET_SIZE = 8;
  static final int LOAD_NUM = 13;
  static final int LOAD_DEN = 2;
  /** Buckets of one chain an insert may walk, among equal tophashes, before flooding is suspected. */
  static final int FLOOD_CHAIN = 8;
  /** The largest B a map may reach: 2^26 buckets, 16·2^26 references in one array. */
  static final int MAX_B = 26;

  private static final long LO = 0x0101010101010101L;
  private static final long HI7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long PHI = 0x9E3779B97F4A7C15L;
  private static final long INITIAL_SEED = 0x5DEECE66DL * PHI;
  /**
   * {@code -Dtophash.randomSeeds=true}: Go's behaviour, a random seed per map and at every reseed
   * point, so iteration order differs from run to run. Off by default: the same operations then
   * give the same order.
   */
  static final boolean RANDOM_SEEDS = Boolean.getBoolean("tophash.randomSeeds");
  /** Returned by lookups for an absent key (values may be null). */
  private static final Object ABSENT = new Object();
  /** Stands for the null key in the table; hashes to 0 as HashMap hashes null. */
  static final Object NULL_KEY = new Object() {
    @Override
    public int hashCode() {
      return 0;
    }

    @Override
    public String toString() {
      return "null";
    }
  };

  /* ---------------- Fields -------------- */

  /** Tophash bytes of the main buckets of the current array, 8 per long; null until allocated. */
  transient long[] tops;
  /**
   * {@link #tops} while the fast paths may use it: no grow in progress, not delegating, not
   * hardened; else null. One field read stands for the three checks on every get, put and remove
   * ({@link #refreshLive} keeps it current wherever one of them changes).
   */
  transient long[] live;
  /** Keys and values of the main buckets, 16 references per bucket. */
  transient Object[] kv;
  /** Link from each main bucket to its first overflow bucket (overflow number + 1, 0 = none). */
  transient int[] next;
  /**
   * Per main bucket of the current array, a 64-bit filter of the tophashes ever stored in its
   * overflow chain (bit {@code tophash & 63}). Bits are only set (a removed key leaves its bit, the
   * next grow starts from zero), so a clear bit proves the chain does not hold the key: a lookup
   * that misses a full main bucket rarely has to walk its overflow buckets. Not part of Go's map;
   * it changes no state Go defines and nothing the map records.
   */
  transient long[] filters;
  transient Overflow ovf;
  transient int b;
  transient int mask;
  /** The old generation while a grow is in progress, else null. */
  transient Old old;
  transient int count;
  transient int noverflow;
  transient int nevacuate;
  transient int evacuated;
  transient int tombstones;
  transient long seed;
  transient int rnd;
  transient int ownModCount;
  transient int writeStamp;
  /** Whether String keys are hashed by content under {@link #stringSeed} (hash flooding seen). */
  transient boolean hardened;
  transient long stringSeed;
  /**
   * Whether this map has handed its entries to HashMap's own table (inherited, unused until then)
   * after hash flooding by keys other than Strings: every method then delegates to HashMap, whose
   * tree bins bound the damage. {@link #tops} is null from then on, so the fast paths fall through
   * to the methods that check this flag.
   */
  transient boolean delegating;

  final int site;
  /** This thread's recording buffer of the site, or null when this map does not record. */
  transient SiteBuffer rec;
  private final transient boolean racesThrow;
  private transient int peakLevel;
  /** Whether this map records (it was tracked at construction). */
  private transient boolean tracked;
  private transient long growStartNanos;
  private transient int growWrites;

  private transient Set<K> keySetView;
  private transient Collection<V> valuesView;
  private transient Set<Map.Entry<K, V>> entrySetView;

  /** The old bucket array and its overflow store during a grow. */
  static final class Old {
    final long[] tops;
    final Object[] kv;
    final int[] next;
    final Overflow ovf;
    final int b;
    /** Main buckets of the old array. */
    final int n;
    final boolean sameSize;

    Old(long[] tops, Object[] kv, int[] next, Overflow ovf, int b, boolean sameSize) {
      this.tops = tops;
      this.kv = kv;
      this.next = next;
      this.ovf = ovf;
      this.b = b;
      this.n = 1 << b;
      this.sameSize = sameSize;
    }

    boolean isEvacuated(int bucket) {
      int s = (int) tops[bucket] & 0xFF;
      return s > EMPTY_ONE && s < MIN_TOP_HASH;
    }

    Old copy() {
      return new Old(tops.clone(), kv.clone(), next.clone(), ovf.copy(), b, sameSize);
    }
  }

  /* ---------------- Constructors -------------- */

  /** An empty map (Go's {@code make(map)}: no buckets until the first insert). */
  public TophashMap() {
    this((Void) null, MapSites.UNATTRIBUTED);
  }

  /**
   * An empty map sized as Go's {@code make(map, hint)} with {@code hint = initialCapacity}: the
   * smallest B with {@code hint ≤ 8} or {@code hint ≤ 13·2^(B-1)}.
   *
   * @throws IllegalArgumentException if the initial capacity is negative
   */
  public TophashMap(int initialCapacity) {
    this(initialCapacity, MapSites.UNATTRIBUTED);
  }

  /**
   * As {@link #TophashMap(int)}; the load factor is validated as HashMap validates it, then
   * ignored: the load factor is Go's 6.5 entries per 8-slot bucket.
   */
  public TophashMap(int initialCapacity, float loadFactor) {
    this(initialCapacity, loadFactor, MapSites.UNATTRIBUTED);
  }

  /** A map with the mappings of {@code m}, sized for them. */
  public TophashMap(Map<? extends K, ? extends V> m) {
    this(m, MapSites.UNATTRIBUTED);
  }

  /**
   * An empty map attributed to {@code site}; the {@code Void} parameter only keeps this
   * constructor's descriptor apart from {@link #TophashMap(int)}. Used by rewritten
   * {@code new HashMap<>()} sites.
   */
  public TophashMap(Void noHint, int site) {
    super();
    this.site = site;
    this.racesThrow = Recording.racesThrow();
    init(-1);
  }

  /** {@link #TophashMap(int)} attributed to {@code site}. */
  public TophashMap(int initialCapacity, int site) {
    super(initialCapacity); // validates it as HashMap does; sizes HashMap's table if delegating
    this.site = site;
    this.racesThrow = Recording.racesThrow();
    init(initialCapacity);
  }

  /** {@link #TophashMap(int, float)} attributed to {@code site}. */
  public TophashMap(int initialCapacity, float loadFactor, int site) {
    super(initialCapacity, loadFactor); // validated as HashMap validates them
    this.site = site;
    this.racesThrow = Recording.racesThrow();
    init(initialCapacity);
  }

  /** {@link #TophashMap(Map)} attributed to {@code site}. */
  public TophashMap(Map<? extends K, ? extends V> m, int site) {
    super();
    this.site = site;
    this.racesThrow = Recording.racesThrow();
    init(m.size());
    putAllEntries(m);
  }

  /** Go's {@code make(map, numMappings)}, as {@code HashMap.newHashMap(int)}. */
  public static <K, V> TophashMap<K, V> newHashMap(int numMappings) {
    if (numMappings < 0) {
      throw new IllegalArgumentException("Negative number of mappings: " + numMappings);
    }
    return new TophashMap<>(numMappings);
  }

  /*
   * The sited factories. The agent rewrites allocation sites to call these: constructAt for
   * {@code new HashMap<>(...)} and {@code HashMap::new}, newHashMapAt for
   * {@code HashMap.newHashMap}. A map that map sampling (maps=N) leaves untracked is a plain
   * java.util.HashMap, constructed as the site would have constructed it: it records nothing, and
   * the application's code sees the class it always saw.
   */

  /** {@code new HashMap<>()} at {@code site}. */
  public static <K, V> HashMap<K, V> constructAt(int site) {
    return MapSites.nextUntracked(site)
        ? MapSites.counted(site, new HashMap<K, V>())
        : new TophashMap<>((Void) null, site);
  }

  /** {@code new HashMap<>(initialCapacity)} at {@code site}. */
  public static <K, V> HashMap<K, V> constructAt(int site, int initialCapacity) {
    return MapSites.nextUntracked(site)
        ? MapSites.counted(site, new HashMap<K, V>(initialCapacity))
        : new TophashMap<>(initialCapacity, site);
  }

  /** {@code new HashMap<>(initialCapacity, loadFactor)} at {@code site}. */
  public static <K, V> HashMap<K, V> constructAt(int site, int initialCapacity, float loadFactor) {
    return MapSites.nextUntracked(site)
        ? MapSites.counted(site, new HashMap<K, V>(initialCapacity, loadFactor))
        : new TophashMap<>(initialCapacity, loadFactor, site);
  }

  /** {@code new HashMap<>(m)} at {@code site}. */
  public static <K, V> HashMap<K, V> constructAt(int site, Map<? extends K, ? extends V> m) {
    return MapSites.nextUntracked(site)
        ? MapSites.counted(site, new HashMap<K, V>(m))
        : new TophashMap<>(m, site);
  }

  /** {@link #newHashMap(int)} attributed to {@code site}; the rewrite of {@code HashMap.newHashMap}. */
  public static <K, V> HashMap<K, V> newHashMapAt(int numMappings, int site) {
    if (numMappings < 0) {
      throw new IllegalArgumentException("Negative number of mappings: " + numMappings);
    }
    return MapSites.nextUntracked(site)
        ? MapSites.counted(site, new HashMap<K, V>(MapSites.hashMapCapacity(numMappings)))
        : new TophashMap<>(numMappings, site);
  }

  /** B for Go's {@code make(map, hint)}: the smallest B that does not overload at {@code hint}. */
  public static int bucketShiftForHint(long hint) {
    int b = 0;
    while (overLoadFactor(hint, b)) {
      b++;
    }
    return b;
  }

  private void init(int hint) {
    seed = RANDOM_SEEDS ? java.util.concurrent.ThreadLocalRandom.current().nextLong() : INITIAL_SEED;
    rnd = (int) (seed >>> 17) | 1;
    int bb = hint < 0 ? 0 : bucketShiftForHint(hint);
    if (bb > MAX_B) {
      bb = 0; // Go: a hint too large to allocate is treated as 0
    }
    if (Recording.enabled()) {
      SiteRecorder recorder = MapSites.recorder(site);
      SiteBuffer r = recorder.buffer();
      r.counters[Counter.MAPS.ordinal()]++;
      if (recorder.trackNext(Recording.mapSample())) {
        r.counters[Counter.MAPS_TRACKED.ordinal()]++;
        SiteBuffer.moveLevel(r.bLevels, -1, bb);
        SiteBuffer.moveLevel(r.peakLevels, -1, 0);
        if (hint >= 0) {
          r.event(Metric.HINT, hint);
        }
        rec = r;
        tracked = true;
      } else {
        // An untracked map of a maps=N run keeps HashMap's own algorithm and sizing (the
        // constructor passed its arguments on to HashMap's): nothing would read its Go table,
        // so a sampled run pays for the tracked maps only.
        delegating = true;
        return;
      }
    }
    b = bb;
    mask = (1 << bb) - 1;
    if (bb > 0 && bb <= 16) {
      allocateTable(bb); // Go allocates the array at make time for B > 0
    }
  }

  /** Allocates the array of 2^bb buckets; installs it only once every part is allocated. */
  private void allocateTable(int bb) {
    int n = 1 << bb;
    long[] nt = new long[n];
    Object[] nk = new Object[n << 4];
    int[] nn = linksFor(bb);
    long[] nf = filtersFor(bb);
    Overflow no = Overflow.forArray(bb);
    kv = nk;
    next = nn;
    filters = nf;
    ovf = no;
    tops = nt; // last: the fast paths take a table whose tops are set as complete
    refreshLive();
  }

  /**
   * Sets {@link #live} from {@link #tops}, {@link #old}, {@link #delegating} and {@link #hardened}.
   */
  private void refreshLive() {
    live = liveTable();
  }

  /** What {@link #live} must be: {@link #tops} if no grow, delegation or hardening stops it. */
  private long[] liveTable() {
    return old == null && !delegating && !hardened ? tops : null;
  }

  /**
   * The largest B whose table starts with the shared, all-zero {@link #NO_LINKS} and
   * {@link #NO_FILTERS} and the shared empty {@link Overflow#NONE}: Go preallocates no overflow
   * bucket below B = 4, and most small maps never take one, so a small table is two arrays, not
   * six objects. The first overflow bucket of a generation gives it arrays of its own
   * ({@link #newOverflow}); nothing writes to the shared ones.
   */
  static final int SHARED_MAX_B = 3;
  private static final int[][] NO_LINKS = new int[SHARED_MAX_B + 1][];
  private static final long[][] NO_FILTERS = new long[SHARED_MAX_B + 1][];

  static {
    for (int bb = 0; bb <= SHARED_MAX_B; bb++) {
      NO_LINKS[bb] = new int[1 << bb];
      NO_FILTERS[bb] = new long[1 << bb];
    }
  }

  /** The overflow links of a new array of 2^bb buckets: the shared empty ones while bb is small. */
  private static int[] linksFor(int bb) {
    return bb <= SHARED_MAX_B ? NO_LINKS[bb] : new int[1 << bb];
  }

  private static long[] filtersFor(int bb) {
    return bb <= SHARED_MAX_B ? NO_FILTERS[bb] : new long[1 << bb];
  }

  /** Whether {@code a} is one of the shared, never written {@link #NO_LINKS}. */
  private static boolean shared(int[] a) {
    return a.length <= 1 << SHARED_MAX_B && a == NO_LINKS[Integer.numberOfTrailingZeros(a.length)];
  }

  private static boolean shared(long[] a) {
    return a.length <= 1 << SHARED_MAX_B
        && a == NO_FILTERS[Integer.numberOfTrailingZeros(a.length)];
  }

  /** The id of the site this map was allocated at ({@link MapSites#UNATTRIBUTED} if none). */
  public int site() {
    return site;
  }

  /** A read-only view of the table now. */
  public Shape shape() {
    Old o = old;
    return new Shape(b, count, noverflow, ovf == null ? 0 : ovf.used,
        ovf == null ? Overflow.preallocatedFor(b) : ovf.preallocated, o != null, o != null && o.sameSize,
        o == null ? 0 : o.n, nevacuate, o == null ? 0 : evacuated, tombstones, seed);
  }

  /* ---------------- Hashing -------------- */

  static Object maskNull(Object key) {
    return key == null ? NULL_KEY : key;
  }

  @SuppressWarnings("unchecked")
  static <T> T unmaskNull(Object key) {
    return key == NULL_KEY ? null : (T) key;
  }

  /**
   * The seeded spread of a key's hash code: SplitMix64's finaliser over {@code hashCode ^ seed}.
   * Both ends of the word must behave as a random function of the key, as Go's AES hash does: the
   * low bits pick the bucket, the top byte is the tophash, and the churn figures (overflow pile-up)
   * match Go's only with a hash that spreads sequential keys randomly rather than evenly.
   */
  final long hash(Object maskedKey) {
    if (hardened && maskedKey instanceof String) {
      return contentHash((String) maskedKey, stringSeed);
    }
    return spread(maskedKey);
  }

  /** {@link #hash} of a map that is not hardened: the fast paths, which {@link #live} admits. */
  private long spread(Object maskedKey) {
    long z = maskedKey.hashCode() ^ seed;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The collision-resistant hash of a String's content under a secret per-map seed, used once a
   * map has seen hash flooding: keys chosen to share {@code String.hashCode()} no longer collide.
   * Each char goes through a multiply and a rotation, which breaks the algebra that defeats plain
   * polynomial hashes modulo 2^64; the result gets the same finaliser as ordinary hashes.
   */
  static long contentHash(String s, long secret) {
    long h = secret ^ s.length();
    for (int i = 0, n = s.length(); i < n; i++) {
      h = Long.rotateLeft((h ^ s.charAt(i)) * 0x9E3779B97F4A7C15L, 29) + secret;
    }
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }

  /**
   * {@link #hash} on the careful paths, which retry after a race: an exception of the key's
   * {@code hashCode} comes out marked as the key's ({@link KeyException}), so that it is never
   * taken for a race, whatever its stack trace.
   */
  private long keyHash(Object k) {
    try {
      return hash(k);
    } catch (RuntimeException e) {
      throw new KeyException(e);
    }
  }

  /** {@code Objects.equals(a, b)} on the careful paths, its exception marked as the user's. */
  static boolean userEquals(Object a, Object b) {
    try {
      return Objects.equals(a, b);
    } catch (RuntimeException e) {
      throw new KeyException(e);
    }
  }

  static int tophash(long h) {
    int top = (int) (h >>> 56);
    return top < MIN_TOP_HASH ? top + MIN_TOP_HASH : top;
  }

  /** 0x80 in every byte of {@code x} that is zero, 0 elsewhere (exact: no false positives). */
  static long zeroBytes(long x) {
    long y = (x & HI7) + HI7;
    return ~(y | x | HI7);
  }

  /**
   * 0x80 in the lowest zero byte of {@code x}, and perhaps in bytes above it (a borrow can mark a
   * byte that is not zero), 0 if no byte is zero: three operations where {@link #zeroBytes} takes
   * five, for the fast paths, which use only the lowest mark.
   */
  static long lowZeroByte(long x) {
    return (x - LO) & ~x & ~HI7;
  }

  /** 0x80 in every byte of {@code t} that holds an occupied slot's tophash, 0 elsewhere. */
  static long occupiedSlots(long t) {
    return ((t | ~HI7) - MIN_TOP_HASH * LO | t) & ~HI7;
  }

  /** The key's index in the kv array of bucket {@code bucket}'s lowest slot marked in {@code m}. */
  static int keyIndex(int bucket, long m) {
    return (bucket << 4) + ((Long.numberOfTrailingZeros(m) >>> 2) & ~1);
  }

  /** The state byte of slot {@code i} of a bucket's packed tophash word. */
  static int state(long t, int i) {
    return (int) (t >>> (i << 3)) & 0xFF;
  }

  static long withState(long t, int i, int v) {
    int s = i << 3;
    return (t & ~(0xFFL << s)) | ((long) v << s);
  }

  static boolean overLoadFactor(long count, int bb) {
    return count > BUCKET_SIZE && count > LOAD_NUM * ((1L << bb) / LOAD_DEN);
  }

  static boolean tooManyOverflowBuckets(int noverflow, int bb) {
    return noverflow >= (1 << Math.min(bb, 15));
  }

  private void reseed() {
    if (RANDOM_SEEDS) {
      seed = java.util.concurrent.ThreadLocalRandom.current().nextLong();
      return;
    }
    long s = (seed + PHI) * 0xBF58476D1CE4E5B9L;
    seed = s ^ (s >>> 31);
  }

  /* ---------------- Lookup -------------- */

  /**
   * The value mapped to {@code key}, or {@link #ABSENT}. Reads the old bucket while it is not yet
   * evacuated; never moves data.
   */
  private Object lookup(Object key, boolean forRemove) {
    if (delegating) {
      return delegatedLookup(key, forRemove); // no retries: nothing of ours can fail
    }
    return lookup(key, forRemove, false, 0L);
  }

  /** {@link #lookup(Object, boolean)} with the key's hash already computed when {@code hashed}. */
  private Object lookup(Object key, boolean forRemove, boolean hashed, long hash) {
    for (int attempt = 0; ; attempt++) {
      try {
        return lookup0(key, forRemove, hashed && attempt == 0, hash);
      } catch (RuntimeException e) {
        recover(e, attempt);
      }
    }
  }

  private Object lookup0(Object key, boolean forRemove, boolean hashed, long hash) {
    if (delegating) {
      try {
        return delegatedLookup(key, forRemove);
      } catch (RuntimeException e) {
        throw new KeyException(e); // HashMap's code on HashMap's table: the keys' exception
      }
    }
    checkGeometry();
    Object k = maskNull(key);
    if (count == 0) {
      if (rec != null) {
        recordProbe(forRemove ? Counter.DELETE_MISSES : Counter.LOOKUPS, Metric.PROBE_MISS, 0, 0);
      }
      return ABSENT;
    }
    long h = hashed ? hash : keyHash(k);
    int top = tophash(h);
    Old o = old;
    if (o != null) {
      int ob = (int) h & (o.n - 1);
      if (!o.isEvacuated(ob)) {
        return scan(o.tops, o.kv, o.next, o.ovf, ob, k, top, forRemove);
      }
    }
    return scan(tops, kv, next, ovf, (int) h & mask, k, top, forRemove);
  }

  /** Scans one chain for {@code k}; returns its value or {@link #ABSENT}, recording the probe. */
  private Object scan(long[] ta, Object[] ka, int[] na, Overflow of, int bucket, Object k, int top,
      boolean forRemove) {
    long pattern = LO * top;
    int ti = bucket;
    int kb = bucket << 4;
    int link = na[bucket];
    int falsePositives = 0;
    for (int chain = 0; ; chain++) {
      long t = ta[ti];
      long rest = zeroBytes(t);
      long m = zeroBytes(t ^ pattern);
      if (rest != 0) {
        m &= (rest & -rest) - 1;
      }
      while (m != 0) {
        int i = Long.numberOfTrailingZeros(m) >>> 3;
        Object k2 = ka[kb + (i << 1)];
        if (k2 == k || userEquals(k, k2)) {
          if (rec != null) {
            recordProbe(Counter.LOOKUPS, Metric.PROBE_HIT, (chain << 3) + i + 1, falsePositives);
          }
          return ka[kb + (i << 1) + 1];
        }
        falsePositives++;
        m &= m - 1;
      }
      if (chain > of.used) {
        throw corruptChain();
      }
      if (rest != 0 || link == 0) {
        if (rec != null) {
          int probe = rest != 0 ? (chain << 3) + (Long.numberOfTrailingZeros(rest) >>> 3) + 1
              : (chain + 1) << 3;
          recordProbe(forRemove ? Counter.DELETE_MISSES : Counter.LOOKUPS, Metric.PROBE_MISS,
              probe, falsePositives);
        }
        return ABSENT;
      }
      int ov = link - 1;
      int c = of.chunk(ov);
      ti = of.within(ov);
      ta = of.tops[c];
      ka = of.kv[c];
      kb = ti << 4;
      link = of.next[c][ti];
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    Object v = find(key);
    return v == ABSENT ? null : (V) v;
  }

  @Override
  public boolean containsKey(Object key) {
    return find(key) != ABSENT;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V getOrDefault(Object key, V defaultValue) {
    Object v = find(key);
    return v == ABSENT ? defaultValue : (V) v;
  }

  /**
   * The lookup fast path, small enough for HotSpot to inline into callers, and with no branch whose
   * outcome is a coin toss for a steady workload: a map that is not growing, a hit on the first
   * slot of the key's main bucket whose tophash matches, or a miss proven by that bucket and its
   * chain's filter (no slot of the bucket holds the tophash, and the filter of the chain's
   * overflow buckets lacks it; a chain without overflow buckets has an empty filter). The
   * bucket's emptyRest slots are not consulted: a filter bit left by keys since deleted sends a
   * rare miss to the slow path, while testing for emptyRest as well cost every miss 15–20%
   * (RESULTS.md, twelfth round). Everything else (a tophash false positive, an overflow chain to
   * walk, an empty or unallocated table, a grow in progress, a map that delegates or hashes
   * Strings by content after flooding, a race) takes {@link #scan} or {@link #lookup}. The
   * bucket index masks with the array's own length, so a table replaced by another thread cannot
   * make it index out of bounds.
   */
  private Object find(Object key) {
    Object k = key == null ? NULL_KEY : key;
    long[] t = live;
    if (t == null) {
      return lookup(key, false);
    }
    try {
      long h = spread(k);
      int bucket = (int) h & (t.length - 1);
      long w = t[bucket];
      int top = tophash(h);
      // No match can follow an emptyRest slot (every slot after one is emptyRest), so the first
      // match needs no bound; the bucket's first emptyRest matters only to a miss's probe length.
      long m = lowZeroByte(w ^ (LO * top));
      if (m != 0) {
        Object[] ka = kv;
        int i = keyIndex(bucket, m);
        Object k2 = ka[i];
        if (k2 == k || k.equals(k2)) {
          if (rec != null) {
            recordFirstMatch(SiteBuffer.FAST_HIT, i);
          }
          return ka[i + 1];
        }
      } else if ((filters[bucket] >>> top & 1) == 0) {
        // Absent: the chain's filter lacks the tophash.
        if (rec == null) {
          return ABSENT;
        }
        if (count != 0) {
          recordFastMiss(lowZeroByte(w));
          return ABSENT;
        } // else recorded as Go's lookup of an empty map records it
      }
      // The rest of Go's lookup, out of line: scan's bytecode is above HotSpot's FreqInlineSize
      // (325), so it is never inlined here, which keeps this method's compiled code near
      // InlineSmallCode (2,500 bytes); whether a caller inlines get then varies (RESULTS.md,
      // ninth round: a find made small enough to be always inlined was slower).
      return count == 0 ? lookup(key, false, true, h)
          : scan(t, kv, next, ovf, bucket, k, top, false);
    } catch (RuntimeException e) {
      return lookup(key, false); // the careful path tells a race from the key's own exception
    }
  }

  /**
   * Records a fast path's operation ({@link SiteBuffer#FAST_HIT} or {@link SiteBuffer#FAST_UPDATE})
   * resolved at key index {@code i} of a main bucket's kv run.
   */
  private void recordFirstMatch(int kind, int i) {
    SiteBuffer r = sampled();
    if (r != null) {
      r.fast[kind + ((i & 15) >>> 1) + 1]++;
    }
  }

  /**
   * Records a miss of {@link #find} proven by the main bucket: at its first emptyRest slot (the
   * lowest mark of {@code rest}), or, for a full bucket whose overflow filter lacks the tophash,
   * after its 8 slots, with the chain not walked.
   */
  private void recordFastMiss(long rest) {
    SiteBuffer r = sampled();
    if (r != null) {
      r.fast[SiteBuffer.FAST_MISS + mainBucketProbe(rest)]++;
    }
  }

  /**
   * The probe length of an operation that a main bucket resolved as absent: up to its first
   * emptyRest slot (the lowest mark of {@code rest}), or its 8 slots when it has none.
   */
  private static int mainBucketProbe(long rest) {
    return (Long.numberOfTrailingZeros(rest) >>> 3) + (int) ((rest | -rest) >>> 63);
  }

  @Override
  public int size() {
    return delegating ? super.size() : count;
  }

  @Override
  public boolean isEmpty() {
    return delegating ? super.isEmpty() : count == 0;
  }

  @Override
  public boolean containsValue(Object value) {
    if (delegating) {
      return super.containsValue(value);
    }
    if (count == 0) {
      return false;
    }
    for (Cursor c = new Cursor(); c.advance(); ) {
      if (Objects.equals(value, c.value())) {
        return true;
      }
    }
    return false;
  }

  /* ---------------- Writes -------------- */

  /** Starts a write: Go's hashWriting, as a stamp compared when the write ends. */
  private int beginWrite() {
    return ++writeStamp;
  }

  private void endWrite(int stamp) {
    if (writeStamp != stamp) {
      concurrentWrite();
    }
  }

  private void concurrentWrite() {
    countRace();
    if (racesThrow) {
      throw new ConcurrentModificationException("concurrent map writes");
    }
  }

  @Override
  public V put(K key, V value) {
    return assign(key, value, false);
  }

  @Override
  public V putIfAbsent(K key, V value) {
    return assign(key, value, true);
  }

  /**
   * {@link #put} and {@link #putIfAbsent}, and the write of every compute-family method: Go's
   * mapassign, with a fast path.
   */
  @SuppressWarnings("unchecked")
  private V assign(K key, V value, boolean onlyIfAbsent) {
    Object k = key == null ? NULL_KEY : key;
    long[] t = live;
    if (t != null) {
      // Fast path, as find(): an update of the first tophash match in the main bucket, or an
      // insert into it when the bucket proves the key absent and no grow is due. Anything else,
      // and any write during a grow (whose grow work, if it fails, must be repaired rather than
      // retried), is Go's full mapassign.
      long h = spread(k);
      try {
        int bucket = (int) h & (t.length - 1);
        long w = t[bucket];
        int top = tophash(h);
        long m = lowZeroByte(w ^ (LO * top)); // the first match, as in find
        if (m != 0) {
          Object[] ka = kv;
          int i = keyIndex(bucket, m);
          Object k2 = ka[i];
          if (k2 == k || k.equals(k2)) {
            int stamp = ++writeStamp;
            Object previous = ka[i + 1];
            if (!onlyIfAbsent || previous == null) {
              ka[i + 1] = value;
            }
            if (rec != null) {
              recordFirstMatch(SiteBuffer.FAST_UPDATE, i);
            }
            endWrite(stamp);
            return (V) previous;
          }
        } else if ((lowZeroByte(w) != 0
                || (lowZeroByte(w & ~LO) != 0 && (filters[bucket] >>> top & 1) == 0))
            && !overLoadFactor(count + 1L, b) && !tooManyOverflowBuckets(noverflow, b)) {
          insertInMain(t, bucket, w, top, k, value);
          return null;
        }
        return putVal(key, value, onlyIfAbsent, true, h);
      } catch (ArrayIndexOutOfBoundsException | NullPointerException e) {
        // a race, or the key's own exception: the full path tells which
      }
    }
    return putVal(key, value, onlyIfAbsent);
  }

  /**
   * The insert of {@link #put}'s fast path: into the first empty slot of a main bucket that proved
   * the key absent, by an emptyRest slot after its last match or, when it has none but has an
   * emptyOne slot, by its chain's overflow filter lacking the key's tophash.
   */
  private void insertInMain(long[] t, int bucket, long w, int top, Object k, Object value) {
    int stamp = ++writeStamp;
    int slot = Long.numberOfTrailingZeros(lowZeroByte(w & ~LO)) >>> 3;
    if (state(w, slot) == EMPTY_ONE) {
      tombstones--;
    }
    Object[] ka = kv;
    int i = (bucket << 4) + (slot << 1);
    ka[i] = k;
    ka[i + 1] = value;
    t[bucket] = withState(w, slot, top); // after the entry: a racing reader never finds it empty
    if (rec != null) {
      // The scan of the bucket ended at its first emptyRest slot, or after its 8 slots when the
      // filter proved the key absent: that is the probe length.
      SiteBuffer r = sampled();
      if (r != null) {
        r.fast[SiteBuffer.FAST_INSERT + mainBucketProbe(lowZeroByte(w))]++;
      }
    }
    countInsert();
    endWrite(stamp);
  }

  /** Counts an inserted entry; a recording map's peak-size level rises at each power of two. */
  private void countInsert() {
    int n = ++count;
    ownModCount++;
    if (rec != null && (n & (n - 1)) == 0) {
      raisePeak(n);
    }
  }

  /**
   * Go's mapassign: grow work on the target bucket, scan the chain, update in place, or start a
   * grow and scan again, or insert into the first empty slot (a new overflow bucket if none).
   */
  @SuppressWarnings("unchecked")
  private V putVal(K key, V value, boolean onlyIfAbsent) {
    if (delegating) {
      return delegatedPut(key, value, onlyIfAbsent);
    }
    return putVal(key, value, onlyIfAbsent, false, 0L);
  }

  /**
   * {@link #putVal(Object, Object, boolean)} with the key's hash already computed when
   * {@code hashed}: a put whose fast path gave up calls {@code hashCode()} once, as HashMap does,
   * however slow the key's hash code is.
   */
  private V putVal(K key, V value, boolean onlyIfAbsent, boolean hashed, long hash) {
    for (int attempt = 0; ; attempt++) {
      try {
        return putVal0(key, value, onlyIfAbsent, hashed && attempt == 0, hash);
      } catch (RuntimeException e) {
        recover(e, attempt);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private V putVal0(K key, V value, boolean onlyIfAbsent, boolean hashed, long hash) {
    if (delegating) {
      try {
        return delegatedPut(key, value, onlyIfAbsent);
      } catch (RuntimeException e) {
        throw new KeyException(e);
      }
    }
    checkGeometry();
    Object k = maskNull(key);
    long h = hashed ? hash : keyHash(k);
    int stamp = beginWrite();
    if (tops == null) {
      allocateTable(b);
    }
    int top = tophash(h);
    long pattern = LO * top;
    boolean grew = false;
    for (;;) {
      int bucket = (int) h & mask;
      if (old != null) {
        growWork(bucket);
      }
      long[] ta = tops;
      Object[] ka = kv;
      int ti = bucket;
      int link = next[bucket];
      Overflow of = ovf;
      long[] insTa = null;
      Object[] insKa = null;
      int insTi = 0;
      int insSlot = 0;
      int falsePositives = 0;
      int chain = 0;
      int lastBucketId = bucket;
      int probe;
      for (;; chain++) {
        long t = ta[ti];
        long rest = zeroBytes(t);
        long m = zeroBytes(t ^ pattern);
        if (rest != 0) {
          m &= (rest & -rest) - 1;
        }
        int kb = ti << 4;
        while (m != 0) {
          int i = Long.numberOfTrailingZeros(m) >>> 3;
          Object k2 = ka[kb + (i << 1)];
          if (k2 == k || userEquals(k, k2)) {
            Object previous = ka[kb + (i << 1) + 1];
            if (!onlyIfAbsent || previous == null) {
              ka[kb + (i << 1) + 1] = value;
            }
            if (rec != null) {
              recordProbe(Counter.UPDATES, Metric.PROBE_UPDATE, (chain << 3) + i + 1,
                  falsePositives);
            }
            endWrite(stamp);
            return (V) previous;
          }
          falsePositives++;
          m &= m - 1;
        }
        if (insTa == null) {
          long empty = zeroBytes(t & ~LO);
          if (empty != 0) {
            insTa = ta;
            insKa = ka;
            insTi = ti;
            insSlot = Long.numberOfTrailingZeros(empty) >>> 3;
          }
        }
        if (rest != 0) {
          probe = (chain << 3) + (Long.numberOfTrailingZeros(rest) >>> 3) + 1;
          break;
        }
        if (chain > of.used) {
          throw corruptChain();
        }
        if (link == 0) {
          probe = (chain + 1) << 3;
          break;
        }
        int ov = link - 1;
        lastBucketId = (1 << b) + ov;
        int c = of.chunk(ov);
        ti = of.within(ov);
        ta = of.tops[c];
        ka = of.kv[c];
        link = of.next[c][ti];
      }
      if (chain >= FLOOD_CHAIN && falsePositives >= FLOOD_CHAIN * 6 && floodDetected(k)) {
        if (delegating) {
          endWrite(stamp);
          return delegatedPut(key, value, onlyIfAbsent);
        }
        h = hash(k); // rebuilt with content hashes: hash again and scan again
        top = tophash(h);
        pattern = LO * top;
        continue;
      }
      if (old == null && (overLoadFactor(count + 1L, b) || tooManyOverflowBuckets(noverflow, b))
          && b < MAX_B) {
        if (grew) {
          // A grow this write started has finished (B <= 1: its grow work moved every bucket)
          // without making room. With a true count that cannot happen: a doubled table holds
          // twice the load, and a same-size grow leaves fewer than 2^B overflow buckets. Racing
          // writers lost a count increment; growing again would loop forever: repair, recount.
          throw corruptChain();
        }
        grew = true;
        hashGrow();
        continue; // Go: "again", with grow work on the new geometry
      }
      if (insTa == null) {
        int ov = newOverflow(lastBucketId);
        int c = ovf.chunk(ov);
        insTi = ovf.within(ov);
        insTa = ovf.tops[c];
        insKa = ovf.kv[c];
        insSlot = 0;
      } else if (state(insTa[insTi], insSlot) == EMPTY_ONE) {
        tombstones--;
      }
      int kb = (insTi << 4) + (insSlot << 1);
      insKa[kb] = k;
      insKa[kb + 1] = value;
      if (insTa != tops) {
        markOverflowTop(bucket, top);
      }
      insTa[insTi] = withState(insTa[insTi], insSlot, top); // after the entry, as insertInMain
      if (rec != null) {
        recordProbe(Counter.INSERTS, Metric.PROBE_INSERT, probe, falsePositives);
      }
      countInsert();
      endWrite(stamp);
      return null;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public V remove(Object key) {
    Object k = key == null ? NULL_KEY : key;
    long[] t = live;
    if (t != null) {
      // Fast path, as put's: the key at the main bucket's first tophash match is deleted here, and
      // an absent key that find's fast path would prove absent is left to do nothing (when not
      // recording); anything else is Go's full mapdelete.
      long h = spread(k);
      try {
        int bucket = (int) h & (t.length - 1);
        long w = t[bucket];
        int top = tophash(h);
        long m = lowZeroByte(w ^ (LO * top));
        if (m == 0) {
          if ((filters[bucket] >>> top & 1) == 0 && rec == null) {
            return null;
          }
        } else {
          Object[] ka = kv;
          int slot = Long.numberOfTrailingZeros(m) >>> 3;
          int i = (bucket << 4) + (slot << 1);
          Object k2 = ka[i];
          if (k2 == k || k.equals(k2)) {
            int stamp = ++writeStamp;
            Object v = deleteSlot(t, bucket, w, slot, ka, i, bucket, bucket, slot + 1, 0);
            endWrite(stamp);
            return (V) v;
          }
        }
        Object v = removeVal(key, null, false, true, h);
        return v == ABSENT ? null : (V) v;
      } catch (ArrayIndexOutOfBoundsException | NullPointerException e) {
        // a race, or the key's own exception: the full path tells which
      }
    }
    Object v = removeVal(key, null, false);
    return v == ABSENT ? null : (V) v;
  }

  /**
   * Go's delete of the key in slot {@code slot} of bucket {@code id} of the chain of main bucket
   * {@code head}: the bucket's word {@code t} is {@code ta[ti]} and the key is {@code ka[at]}.
   * Empties the slot, turns the emptyOne slots it ends into emptyRest, counts the delete and
   * records it with its probe length; returns the value the slot held.
   */
  private Object deleteSlot(long[] ta, int ti, long t, int slot, Object[] ka, int at, int head,
      int id, int probe, int falsePositives) {
    Object v = ka[at + 1];
    ka[at] = null;
    ka[at + 1] = null;
    ta[ti] = withState(t, slot, EMPTY_ONE);
    tombstones++;
    sweepEmptyRest(head, id, slot);
    int n = --count;
    ownModCount++;
    if (n == 0) {
      reseed();
    }
    if (rec != null && recordProbe(Counter.DELETES, Metric.PROBE_DELETE, probe, falsePositives)) {
      recordTombstones(); // part of the delete's record: sampled with it
    }
    return v;
  }

  @Override
  public boolean remove(Object key, Object value) {
    return removeVal(key, value, true) != ABSENT;
  }

  /**
   * Go's mapdelete: grow work, scan, clear the slot to emptyOne, then turn trailing emptyOnes
   * into emptyRest sweeping backwards, across chain buckets.
   */
  private Object removeVal(Object key, Object value, boolean matchValue) {
    if (delegating) {
      return delegatedRemove(key, value, matchValue);
    }
    return removeVal(key, value, matchValue, false, 0L);
  }

  /**
   * {@link #removeVal(Object, Object, boolean)} with the key's hash already computed when
   * {@code hashed} ({@link #remove}'s fast path gave up): {@code hashCode()} is called once.
   */
  private Object removeVal(Object key, Object value, boolean matchValue, boolean hashed, long hash) {
    for (int attempt = 0; ; attempt++) {
      try {
        return removeVal0(key, value, matchValue, hashed && attempt == 0, hash);
      } catch (RuntimeException e) {
        recover(e, attempt);
      }
    }
  }

  private Object removeVal0(Object key, Object value, boolean matchValue, boolean hashed,
      long hash) {
    if (delegating) {
      try {
        return delegatedRemove(key, value, matchValue);
      } catch (RuntimeException e) {
        throw new KeyException(e);
      }
    }
    checkGeometry();
    Object k = maskNull(key);
    if (count == 0) {
      if (rec != null) {
        recordProbe(Counter.DELETE_MISSES, Metric.PROBE_MISS, 0, 0);
      }
      return ABSENT;
    }
    long h = hashed ? hash : keyHash(k);
    int stamp = beginWrite();
    int bucket = (int) h & mask;
    if (old != null) {
      growWork(bucket);
    }
    int top = tophash(h);
    long pattern = LO * top;
    long[] ta = tops;
    Object[] ka = kv;
    int ti = bucket;
    int id = bucket;
    int link = next[bucket];
    Overflow of = ovf;
    int falsePositives = 0;
    for (int chain = 0; ; chain++) {
      long t = ta[ti];
      long rest = zeroBytes(t);
      long m = zeroBytes(t ^ pattern);
      if (rest != 0) {
        m &= (rest & -rest) - 1;
      }
      int kb = ti << 4;
      while (m != 0) {
        int i = Long.numberOfTrailingZeros(m) >>> 3;
        Object k2 = ka[kb + (i << 1)];
        if (k2 == k || userEquals(k, k2)) {
          Object v = ka[kb + (i << 1) + 1];
          if (matchValue && !userEquals(v, value)) {
            endWrite(stamp);
            return ABSENT;
          }
          deleteSlot(ta, ti, t, i, ka, kb + (i << 1), bucket, id, (chain << 3) + i + 1,
              falsePositives);
          endWrite(stamp);
          return v;
        }
        falsePositives++;
        m &= m - 1;
      }
      if (chain > of.used) {
        throw corruptChain();
      }
      if (rest != 0 || link == 0) {
        if (rec != null) {
          int probe = rest != 0 ? (chain << 3) + (Long.numberOfTrailingZeros(rest) >>> 3) + 1
              : (chain + 1) << 3;
          recordProbe(Counter.DELETE_MISSES, Metric.PROBE_MISS, probe, falsePositives);
        }
        endWrite(stamp);
        return ABSENT;
      }
      int ov = link - 1;
      id = (1 << b) + ov;
      int c = of.chunk(ov);
      ti = of.within(ov);
      ta = of.tops[c];
      ka = of.kv[c];
      link = of.next[c][ti];
    }
  }

  /** Go's tail compaction after a delete at slot {@code i} of bucket {@code id} of chain {@code head}. */
  private void sweepEmptyRest(int head, int id, int i) {
    if (i == BUCKET_SIZE - 1) {
      int link = linkOf(id);
      if (link != 0 && state(topOf((1 << b) + link - 1), 0) != EMPTY_REST) {
        return;
      }
    } else if (state(topOf(id), i + 1) != EMPTY_REST) {
      return;
    }
    // Go turns the slot, and the emptyOne slots before it back along the chain, into emptyRest
    // one slot at a time; here it is one word per bucket: the run ends above the bucket's highest
    // slot at or below i that is not emptyOne.
    for (int guard = 0; guard <= ovf.used + 1; guard++) {
      long w = topOf(id);
      long upTo = i == BUCKET_SIZE - 1 ? -1L : (1L << ((i + 1) << 3)) - 1; // bytes 0..i
      long others = ~zeroBytes(w ^ LO * EMPTY_ONE) & ~HI7 & upTo;
      int j = others == 0 ? -1 : (63 - Long.numberOfLeadingZeros(others)) >>> 3;
      long kept = j < 0 ? 0 : j == BUCKET_SIZE - 1 ? -1L : (1L << ((j + 1) << 3)) - 1;
      writeWord(id, w & ~(upTo & ~kept)); // emptyRest is 0
      tombstones -= i - j;
      if (j >= 0 || id == head) {
        return;
      }
      int c = head; // the bucket before id in the chain: continue at its last slot
      while (c != id) {
        int link = linkOf(c);
        int n = (1 << b) + link - 1;
        if (n == id || link == 0) {
          break;
        }
        c = n;
      }
      id = c;
      i = BUCKET_SIZE - 1;
    }
  }

  /** A remove from HashMap's table (the delegating mode): the value removed, or ABSENT. */
  private Object delegatedRemove(Object key, Object value, boolean matchValue) {
    long t0 = rec != null ? System.nanoTime() : 0L;
    int before = super.size();
    Object removed = matchValue ? (super.remove(key, value) ? value : ABSENT) : super.remove(key);
    boolean deleted = super.size() < before; // one lookup; the size tells a null value from none
    if (rec != null) {
      recordDelegated(deleted ? Counter.DELETES : Counter.DELETE_MISSES, t0);
    }
    return deleted ? removed : ABSENT;
  }

  /** A lookup in HashMap's table (the delegating mode), recorded as a lookup or a delete miss. */
  private Object delegatedLookup(Object key, boolean forRemove) {
    if (rec == null) {
      return super.getOrDefault(key, castValue(ABSENT)); // one lookup in HashMap's table
    }
    long t0 = System.nanoTime();
    Object v = super.getOrDefault(key, castValue(ABSENT));
    if (!forRemove || v == ABSENT) {
      recordDelegated(forRemove ? Counter.DELETE_MISSES : Counter.LOOKUPS, t0);
    }
    return v;
  }

  /** put or putIfAbsent in HashMap's table (the delegating mode), recorded as an insert or update. */
  private V delegatedPut(K key, V value, boolean onlyIfAbsent) {
    if (rec == null) {
      return onlyIfAbsent ? super.putIfAbsent(key, value) : super.put(key, value);
    }
    long t0 = System.nanoTime();
    int before = super.size();
    V previous = onlyIfAbsent ? super.putIfAbsent(key, value) : super.put(key, value);
    recordDelegated(super.size() > before ? Counter.INSERTS : Counter.UPDATES, t0);
    return previous;
  }

  /**
   * Records an operation of a map in the delegating mode: its kind, and its nanoseconds in
   * {@link Metric#DELEGATED_NANOS} (HashMap's tree bins keep no probe lengths we could read).
   */
  private void recordDelegated(Counter kind, long t0) {
    long nanos = System.nanoTime() - t0;
    SiteBuffer r = sampled();
    if (r != null) {
      r.counters[kind.ordinal()]++;
      r.event(Metric.DELEGATED_NANOS, nanos);
    }
  }

  /**
   * Counts a compute-family operation of a map in the delegating mode by what it did to the size
   * (untimed: its time would include the caller's function).
   */
  private void countDelegated(int before) {
    SiteBuffer r = rec == null ? null : sampled();
    if (r != null) {
      int after = super.size();
      Counter kind = after > before ? Counter.INSERTS : after < before ? Counter.DELETES : Counter.UPDATES;
      r.counters[kind.ordinal()]++;
    }
  }

  /* Bucket ids for cold paths: main buckets 0..2^B-1, overflow bucket o is 2^B + o. */

  private long topOf(int id) {
    int n = 1 << b;
    if (id < n) {
      return tops[id];
    }
    int o = id - n;
    return ovf.tops[ovf.chunk(o)][ovf.within(o)];
  }

  private int linkOf(int id) {
    int n = 1 << b;
    if (id < n) {
      return next[id];
    }
    int o = id - n;
    return ovf.next[ovf.chunk(o)][ovf.within(o)];
  }

  /**
   * An insert walked {@link #FLOOD_CHAIN} or more buckets of keys sharing its tophash: with a
   * well-mixed hash that happens only when their hash codes are equal. Counts the event; when the
   * chain's keys are Strings, switches the map to content hashing (once) and rebuilds it, the
   * defence HashMap gets from tree bins. Returns whether the map was rebuilt.
   */
  private boolean floodDetected(Object key) {
    SiteBuffer r = rec;
    if (r != null) {
      if (r.owner != Thread.currentThread()) {
        r = rebind();
      }
      r.counters[Counter.LONG_PROBES.ordinal()]++;
    }
    if (hardened) {
      return false;
    }
    if (r != null) {
      r.counters[Counter.FLOODING.ordinal()]++;
    }
    if (key instanceof String) {
      rebuildHardened();
    } else {
      delegateToHashMap();
    }
    return true;
  }

  /**
   * Moves every entry into HashMap's own table and delegates to it from now on: for keys that are
   * not Strings no content hash is available, and HashMap's tree bins are the best defence the
   * JDK has. An O(n) step paid once per map. From then on the map records its operations by kind
   * and the time of each get, put and remove ({@link Metric#DELEGATED_NANOS}), not probe lengths.
   */
  private void delegateToHashMap() {
    int n = count;
    Object[] keys = new Object[n];
    Object[] values = new Object[n];
    int i = 0;
    for (Cursor c = new Cursor(); c.advance() && i < n; i++) {
      keys[i] = c.key();
      values[i] = c.value();
    }
    delegating = true;
    live = null;
    tops = null;
    kv = null;
    next = null;
    filters = null;
    ovf = null;
    old = null;
    count = 0;
    tombstones = 0;
    noverflow = 0;
    nevacuate = 0;
    evacuated = 0;
    ownModCount++;
    for (int j = 0; j < i; j++) {
      super.put(unmaskNull(keys[j]), values[j] == null ? null : castValue(values[j]));
    }
  }

  @SuppressWarnings("unchecked")
  private V castValue(Object v) {
    return (V) v;
  }

  @SuppressWarnings("unchecked")
  private K castKey(Object k) {
    return (K) k;
  }

  /** Re-inserts every entry under content hashing, keeping B; an O(n) pause paid once per map. */
  @SuppressWarnings("unchecked")
  private void rebuildHardened() {
    int n = count;
    Object[] keys = new Object[n];
    Object[] values = new Object[n];
    int i = 0;
    for (Cursor c = new Cursor(); c.advance() && i < n; i++) {
      keys[i] = c.key();
      values[i] = c.value();
    }
    SiteBuffer r = rec;
    int stamp = writeStamp;
    rec = null;
    try {
      live = null;
      hardened = true;
      stringSeed = java.util.concurrent.ThreadLocalRandom.current().nextLong() | 1;
      old = null;
      allocateTable(b);
      count = 0;
      noverflow = 0;
      nevacuate = 0;
      evacuated = 0;
      tombstones = 0;
      for (int j = 0; j < i; j++) {
        putVal((K) unmaskNull(keys[j]), (V) values[j], false);
      }
    } finally {
      rec = r;
      writeStamp = stamp;
    }
  }

  /** Go's newoverflow: the next spare or a new bucket, linked after bucket {@code id}; returns it. */
  private int newOverflow(int id) {
    int n = 1 << b;
    // Locals throughout: a racing grow may install shared arrays in the fields meanwhile, and
    // nothing may ever write to those.
    Overflow of = ovf;
    int[] na = next;
    long[] fa = filters;
    if (of == Overflow.NONE || shared(na) || shared(fa)) {
      // The generation's first overflow bucket: arrays of its own, allocated before any change.
      of = of == Overflow.NONE ? new Overflow(b) : of;
      na = shared(na) ? new int[n] : na;
      fa = shared(fa) ? new long[n] : fa;
      ovf = of;
      next = na;
      filters = fa;
    }
    int o = of.allocate();
    if (id < n) {
      na[id] = o + 1;
    } else {
      int p = id - n;
      of.next[of.chunk(p)][of.within(p)] = o + 1;
    }
    incrNoverflow();
    SiteBuffer r = rec;
    if (r != null) {
      if (r.owner != Thread.currentThread()) {
        r = rebind();
      }
      r.counters[Counter.OVERFLOW_BUCKETS.ordinal()]++;
    }
    return o;
  }

  /**
   * Adds {@code top} to the overflow filter of main bucket {@code main}, whose chain has an
   * overflow bucket, so the filter is the map's own; a shared one, which only a racing grow can
   * have installed meanwhile, is left alone.
   */
  private void markOverflowTop(int main, int top) {
    long[] fa = filters;
    if (!shared(fa)) {
      fa[main] |= 1L << top;
    }
  }

  /** Go's incrnoverflow: exact below B = 16, then with probability 2^-(B-15). */
  private void incrNoverflow() {
    if (b < 16) {
      noverflow++;
      return;
    }
    int x = rnd;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    rnd = x;
    int m = (1 << (b - 15)) - 1;
    if ((x & m) == 0) {
      noverflow++;
    }
  }

  /* ---------------- Growth -------------- */

  /** Go's hashGrow: allocate the new array first, then install it; no data moves here. */
  private void hashGrow() {
    boolean doubling = overLoadFactor(count + 1L, b);
    int nb = doubling ? b + 1 : b;
    SiteBuffer r = rec;
    long t0 = r != null ? System.nanoTime() : 0;
    int n = 1 << nb;
    long[] nt = new long[n];
    Object[] nk = new Object[n << 4];
    int[] nn = linksFor(nb);
    long[] nf = filtersFor(nb);
    Overflow no = Overflow.forArray(nb);
    // Allocation succeeded: from here on nothing can fail.
    if (r != null) {
      long t1 = System.nanoTime();
      if (r.owner != Thread.currentThread()) {
        r = rebind();
      }
      // Recorded by the grow work that follows in this write, in the same critical section.
      r.growStarted(t1 - t0, noverflow, tombstones, count);
      r.counters[(doubling ? Counter.DOUBLING_GROWS : Counter.SAME_SIZE_GROWS).ordinal()]++;
      if (doubling) {
        SiteBuffer.moveLevel(r.bLevels, b, nb);
      }
      growStartNanos = t1;
    }
    live = null; // first: the fast paths never take a table that is growing
    old = new Old(tops, kv, next, ovf, b, !doubling);
    tops = nt;
    kv = nk;
    next = nn;
    filters = nf;
    ovf = no;
    b = nb;
    mask = n - 1;
    nevacuate = 0;
    noverflow = 0;
    evacuated = 0;
    growWrites = 0;
  }

  /** Go's growWork: evacuate the old bucket the write is about to use, then the one at nevacuate. */
  private void growWork(int bucket) {
    Old o = old;
    growWrites++;
    SiteBuffer r = rec;
    if (r == null) {
      evacuate(o, bucket & (o.n - 1));
      if (old != null) {
        evacuate(o, nevacuate);
      }
      return;
    }
    // The step is part of the write's record, so it is timed only when sampling will pick the
    // write (its own sample() comes later; another thread's buffer is rebound then: time it).
    // A grow this write started (hashGrow rebound the buffer) is recorded here whatever the
    // sampling, and its start's clock reading starts the step.
    boolean started = r.growStartPending;
    boolean sampled = r.countdown <= 1 || r.owner != Thread.currentThread();
    long t0 = started ? growStartNanos : sampled ? System.nanoTime() : 0L;
    int before = tombstones;
    evacuate(o, bucket & (o.n - 1));
    if (old != null) {
      evacuate(o, nevacuate);
    }
    if (!sampled && !started && old != null) {
      return;
    }
    long t1 = System.nanoTime();
    if (r.owner != Thread.currentThread()) {
      r = rebind();
    }
    long stamp = r.beginEvents();
    try {
      if (r.growStartPending) {
        r.recordGrowStart();
      }
      if (sampled) {
        r.record(Metric.EVAC_STEP_NANOS, t1 - t0);
        r.record(Metric.EVAC_RECLAIMED, before - tombstones);
      }
      if (old == null) {
        r.record(Metric.GROW_TOTAL_NANOS, t1 - growStartNanos);
        r.record(Metric.GROW_WRITES, growWrites);
      }
    } finally {
      r.endEvents(stamp);
    }
  }

  /**
   * Go's evacuate: move one old chain into X (and Y when doubling), marking every old slot.
   *
   * <p>Only the occupied slots of each old bucket are visited, by their SWAR mask; the tombstones
   * are counted from the word. The X and Y buckets are empty until their old bucket is evacuated
   * (every write evacuates the old bucket it is about to use first), so their tophash words are
   * built in registers and written once per old bucket moved (once in all, for a chain of one).
   */
  private void evacuate(Old o, int oldBucket) {
    if (!o.isEvacuated(oldBucket)) {
      if (o.next[oldBucket] == 0) {
        evacuateBucket(o, oldBucket);
      } else {
        evacuateChain(o, oldBucket);
      }
      evacuated++;
    }
    if (oldBucket == nevacuate) {
      advanceEvacuationMark(o);
    }
  }

  private void evacuateChain(Old o, int oldBucket) {
    boolean split = !o.sameSize;
    int newbit = o.n;
    int n = 1 << b;
    Object[] nk = kv;
    // Where X's and Y's entries go: the bucket's id, its tophash word so far, the next slot's shift.
    int xId = oldBucket;
    long xt = 0;
    int xs = 0;
    int yId = oldBucket + newbit;
    long yt = 0;
    int ys = 0;
    long[] ta = o.tops;
    Object[] ka = o.kv;
    int ti = oldBucket;
    int link = o.next[oldBucket];
    Overflow of = o.ovf;
    for (int guard = 0; ; guard++) {
      long t = ta[ti];
      long occupied = occupiedSlots(t);
      tombstones -= Long.bitCount(zeroBytes(t ^ LO * EMPTY_ONE));
      long marks = LO * EVACUATED_EMPTY;
      int kb = ti << 4;
      while (occupied != 0) {
        int sh = Long.numberOfTrailingZeros(occupied) - 7; // the slot's bit shift in the word
        occupied &= occupied - 1;
        long s = (t >>> sh) & 0xFF;
        int at = kb + (sh >>> 2);
        Object k = ka[at];
        Object v = ka[at + 1];
        boolean toY = false;
        if (split) {
          toY = (splitHash(k, s, newbit, oldBucket) & newbit) != 0;
        }
        int id = toY ? yId : xId;
        int shift = toY ? ys : xs;
        if (shift == 64) { // the bucket is full: write its word, chain an overflow bucket to it
          writeWord(id, toY ? yt : xt);
          id = newOverflow(id) + n;
          shift = 0;
          if (toY) {
            yId = id;
            yt = 0;
          } else {
            xId = id;
            xt = 0;
          }
        }
        if (id < n) {
          int d = (id << 4) + (shift >>> 2);
          nk[d] = k;
          nk[d + 1] = v;
        } else {
          storeInOverflow(id, oldBucket + (toY ? newbit : 0), shift >>> 3, (int) s, k, v);
        }
        if (toY) {
          yt |= s << shift;
          ys = shift + 8;
        } else {
          xt |= s << shift;
          xs = shift + 8;
        }
        marks ^= (long) (EVACUATED_EMPTY ^ (toY ? EVACUATED_Y : EVACUATED_X)) << sh;
      }
      // The moved entries become visible before the old bucket is marked evacuated, so that a
      // failure further along the chain (racing writers' damage) loses none of them to repair.
      writeWord(xId, xt);
      if (split) {
        writeWord(yId, yt);
      }
      ta[ti] = marks;
      if (link == 0) {
        break;
      }
      if (guard >= of.used) {
        throw corruptChain(); // a chain longer than the buckets in use: repair, don't drop its tail
      }
      int ov = link - 1;
      int c = of.chunk(ov);
      ti = of.within(ov);
      ta = of.tops[c];
      ka = of.kv[c];
      link = of.next[c][ti];
    }
  }

  /**
   * {@link #evacuateChain} for an old bucket without overflow buckets, most of them: its at most
   * 8 entries fit the main buckets of X and Y, so no slot needs an overflow bucket, and the loop
   * keeps only where the next X and Y entries go. Same result, slot for slot.
   */
  private void evacuateBucket(Old o, int oldBucket) {
    boolean split = !o.sameSize;
    int newbit = o.n;
    long t = o.tops[oldBucket];
    long occupied = occupiedSlots(t);
    tombstones -= Long.bitCount(zeroBytes(t ^ LO * EMPTY_ONE));
    long marks = LO * EVACUATED_EMPTY;
    Object[] ka = o.kv;
    Object[] nk = kv;
    int kb = oldBucket << 4;
    int x = kb; // the key index of X's next slot in the new kv array (X is bucket oldBucket)
    int y = (oldBucket + newbit) << 4;
    long xt = 0;
    long yt = 0;
    while (occupied != 0) {
      int sh = Long.numberOfTrailingZeros(occupied) - 7; // the slot's bit shift in the word
      occupied &= occupied - 1;
      long s = (t >>> sh) & 0xFF;
      int at = kb + (sh >>> 2);
      Object k = ka[at];
      Object v = ka[at + 1];
      if (split) {
        if ((splitHash(k, s, newbit, oldBucket) & newbit) != 0) {
          nk[y] = k;
          nk[y + 1] = v;
          yt |= s << ((y & 15) << 2);
          y += 2;
          marks ^= (long) (EVACUATED_EMPTY ^ EVACUATED_Y) << sh;
          continue;
        }
      }
      nk[x] = k;
      nk[x + 1] = v;
      xt |= s << ((x & 15) << 2);
      x += 2;
      marks ^= (long) (EVACUATED_EMPTY ^ EVACUATED_X) << sh;
    }
    // The moved entries become visible before the old bucket is marked evacuated.
    long[] nt = tops;
    nt[oldBucket] = xt;
    if (split) {
      nt[oldBucket + newbit] = yt;
    }
    o.tops[oldBucket] = marks;
  }

  /** Sets the tophash word of bucket {@code id} of the current array (main, or overflow above 2^B). */
  private void writeWord(int id, long w) {
    int n = 1 << b;
    if (id < n) {
      tops[id] = w;
    } else {
      Overflow of = ovf;
      int o = id - n;
      of.tops[of.chunk(o)][of.within(o)] = w;
    }
  }

  /**
   * Puts an entry into slot {@code slot} of overflow bucket {@code id} of the chain of main bucket
   * {@code main}, and its tophash into that chain's filter; the bucket's word is written apart.
   */
  private void storeInOverflow(int id, int main, int slot, int top, Object k, Object v) {
    markOverflowTop(main, top);
    Overflow of = ovf;
    int o = id - (1 << b);
    int kb = (of.within(o) << 4) + (slot << 1);
    Object[] ka = of.kv[of.chunk(o)];
    ka[kb] = k;
    ka[kb + 1] = v;
  }

  /**
   * The hash of key {@code k} with tophash {@code s}, being split out of old bucket
   * {@code oldBucket} of {@code newbit} buckets. A key that belongs to another old bucket sits in
   * an overflow bucket shared by two chains, which only racing writers make: moving it here would
   * lose it, so the table is repaired instead ({@link #corruptChain}).
   */
  private long splitHash(Object k, long s, int newbit, int oldBucket) {
    long hh = rehash(k);
    if (hh != UNHASHABLE && ((int) hh & (newbit - 1)) != oldBucket && s == tophash(hh)) {
      throw corruptChain();
    }
    return hh;
  }

  /** The hash bits that pick X or Y for a key being evacuated; a throwing hashCode picks X. */
  private long rehash(Object k) {
    try {
      return hash(k);
    } catch (RuntimeException | Error e) {
      return UNHASHABLE;
    }
  }

  /** What {@link #rehash} returns for a key whose hashCode throws: such a key goes to X. */
  private static final long UNHASHABLE = 0L;

  /** Go's advanceEvacuationMark: skip evacuated buckets (at most 1024), end the grow at the end. */
  private void advanceEvacuationMark(Old o) {
    nevacuate++;
    int stop = Math.min(nevacuate + 1024, o.n);
    while (nevacuate != stop && o.isEvacuated(nevacuate)) {
      nevacuate++;
    }
    if (nevacuate == o.n) {
      old = null;
      refreshLive();
    }
  }

  /** {@link #origin}: an exception of the keys' own code. */
  private static final int KEYS = 0;
  /** {@link #origin}: an exception of this map's own code, which only a race explains. */
  private static final int OURS = 1;

  /**
   * Where {@code e} comes from. The careful paths mark the application's exceptions
   * ({@link KeyException}); an ArrayIndexOutOfBounds or NullPointer exception (or the map's own
   * CorruptTableException) raised by this map's own code can only come from another thread
   * changing the table under the operation. Elsewhere (the fast paths, which hand any failure to
   * a careful path) the stack trace tells; compiled code that has thrown an implicit exception
   * often enough throws a preallocated one with no trace at all (HotSpot's
   * OmitStackTraceInFastThrow, on by default), and that one is the map's: the keys' code on the
   * careful paths is marked.
   */
  static int origin(RuntimeException e) {
    if (e instanceof KeyException) {
      return KEYS;
    }
    if (e instanceof CorruptTableException) {
      return OURS;
    }
    if (e instanceof ArrayIndexOutOfBoundsException || e instanceof NullPointerException
        || e instanceof NegativeArraySizeException) {
      StackTraceElement[] trace = e.getStackTrace();
      return trace.length == 0 || trace[0].getClassName().startsWith("dev.tophash.map.") ? OURS : KEYS;
    }
    return KEYS;
  }

  /**
   * The exception to throw for {@code e}: one of this map's own (see {@link #origin}) is a race
   * and becomes a ConcurrentModificationException, as HashMap's callers expect from misuse; the
   * application's own is rethrown unchanged.
   */
  static RuntimeException raceFailure(RuntimeException e) {
    if (e instanceof KeyException k) {
      return k.original();
    }
    return origin(e) == KEYS ? e : asRace(e);
  }

  private static ConcurrentModificationException asRace(RuntimeException e) {
    ConcurrentModificationException cme =
        new ConcurrentModificationException("concurrent map read and map write");
    cme.initCause(e);
    return cme;
  }

  /**
   * Counts a detected race for the site, in the calling thread's buffer, without touching
   * {@link #rec} (which a repair or rebuild running in another thread may have cleared).
   */
  private void countRace() {
    if (tracked) {
      MapSites.recorder(site).buffer().counters[Counter.CONCURRENT_WRITES.ordinal()]++;
    }
  }

  /**
   * Checks that B, the mask, the three arrays and the old generation describe one table, as they
   * always do single-threaded; racing writers can leave them from different generations, and a
   * write would then put a key where lookups (which index by the array's length) never look.
   * Throws {@link CorruptTableException}, which makes the caller repair the table.
   */
  private void checkGeometry() {
    long[] t = tops;
    if (t == null) {
      return;
    }
    int n = t.length;
    Object[] ka = kv;
    int[] na = next;
    long[] fa = filters;
    Old o = old;
    if (n != 1 << b || mask != n - 1 || ka == null || ka.length != n << 4 || na == null
        || na.length != n || fa == null || fa.length != n || ovf == null
        || (o != null && (o.sameSize ? o.b != b : o.b != b - 1))) {
      throw corruptChain();
    }
  }

  /**
   * Thrown where the table is found inconsistent in a way only racing writers explain: a chain
   * longer than the buckets in use, arrays of different generations, a write's own finished grow
   * that made no room.
   */
  static final class CorruptTableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    CorruptTableException() {
      super("racing writers left the table inconsistent");
    }
  }

  /**
   * Carries an exception of the application's code (a key's {@code hashCode} or {@code equals}, a
   * value's {@code equals}, or HashMap's code in the delegating mode) out of a careful path, where
   * {@link #recover} rethrows the original unchanged. Without a stack trace: it is never seen.
   */
  static final class KeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyException(RuntimeException cause) {
      super(null, cause, false, false);
    }

    RuntimeException original() {
      return (RuntimeException) getCause();
    }
  }

  private static CorruptTableException corruptChain() {
    return new CorruptTableException();
  }

  /**
   * Called when an operation threw: rethrows the application's exceptions unchanged; after a
   * failure of this map's own code (a race), repairs the table once so that the caller can try
   * again, and the second time throws it as a ConcurrentModificationException.
   */
  private void recover(RuntimeException e, int attempt) {
    if (origin(e) == KEYS) {
      throw raceFailure(e); // unwrapped if marked
    }
    countRace();
    if (attempt > 0) {
      throw asRace(e);
    }
    try {
      repair();
    } catch (RuntimeException again) {
      throw raceFailure(again);
    }
  }

  /**
   * Rebuilds a consistent table from every entry still reachable in any array, after racing
   * threads left the table inconsistent (detected by an internal exception). Best effort, as
   * HashMap under races is: entries lost by the race stay lost, but the map works again.
   */
  @SuppressWarnings("unchecked")
  private void repair() {
    if (delegating) {
      live = null;
      tops = null; // HashMap's table holds the entries; our arrays were revived by a racing grow
      kv = null;
      next = null;
      filters = null;
      ovf = null;
      old = null;
      return;
    }
    java.util.ArrayList<Object> found = new java.util.ArrayList<>();
    Old o = old;
    if (o != null) {
      collect(o.tops, o.kv, found);
      collectOverflow(o.ovf, found);
    }
    collect(tops, kv, found);
    collectOverflow(ovf, found);
    SiteBuffer r = rec;
    int stamp = writeStamp;
    rec = null;
    try {
      live = null;
      old = null;
      int bb = bucketShiftForHint(found.size() / 2);
      b = bb;
      mask = (1 << bb) - 1;
      allocateTable(bb);
      count = 0;
      noverflow = 0;
      nevacuate = 0;
      evacuated = 0;
      tombstones = 0;
      ownModCount++;
      for (int i = 0; i < found.size(); i += 2) {
        putVal0((K) unmaskNull(found.get(i)), (V) found.get(i + 1), false, false, 0L);
      }
    } finally {
      rec = r;
      writeStamp = stamp;
    }
  }

  private static void collect(long[] ta, Object[] ka, java.util.List<Object> out) {
    if (ta == null || ka == null) {
      return;
    }
    int n = Math.min(ta.length, ka.length >> 4);
    for (int bucket = 0; bucket < n; bucket++) {
      long t = ta[bucket];
      for (int i = 0; i < BUCKET_SIZE; i++) {
        Object k = ka[(bucket << 4) + (i << 1)];
        if (state(t, i) >= MIN_TOP_HASH && k != null) {
          out.add(k);
          out.add(ka[(bucket << 4) + (i << 1) + 1]);
        }
      }
    }
  }

  private static void collectOverflow(Overflow of, java.util.List<Object> out) {
    if (of == null) {
      return;
    }
    long[][] ts = of.tops;
    Object[][] ks = of.kv;
    for (int c = 0; c < Math.min(ts.length, ks.length); c++) {
      collect(ts[c], ks[c], out);
    }
  }

  /* ---------------- Recording -------------- */

  private SiteBuffer rebind() {
    SiteBuffer r = MapSites.recorder(site).buffer();
    rec = r;
    return r;
  }

  /**
   * This thread's buffer if sampling picks the current operation, else null ({@link #rec} is set).
   * Also null when {@code rec} reads null although the caller found it set: on a map used from
   * several threads without synchronization, another thread's quiet lookup or rebuild clears it
   * for a moment, and the racing operation then goes unrecorded rather than failing.
   */
  private SiteBuffer sampled() {
    SiteBuffer r = rec;
    if (r == null) {
      return null;
    }
    if (r.owner != Thread.currentThread()) {
      r = rebind();
    }
    return r.sample() ? r : null;
  }

  /** Records an operation's kind and probe if sampling picks it; returns whether it did. */
  private boolean recordProbe(Counter counter, Metric metric, int probe, int falsePositives) {
    SiteBuffer r = sampled();
    if (r == null) {
      return false;
    }
    r.counters[counter.ordinal()]++;
    r.probe(metric, probe, falsePositives);
    return true;
  }

  private void recordTombstones() {
    SiteBuffer r = rec;
    if (r == null) {
      return; // cleared by a racing thread: see sampled()
    }
    if (r.owner != Thread.currentThread()) {
      r = rebind();
    }
    int t = tombstones;
    if (!r.tombstoneSample(t, count)) {
      r.event(Metric.TOMBSTONES, t);
    }
  }

  private void raisePeak(int n) {
    int level = 32 - Integer.numberOfLeadingZeros(n);
    if (level > peakLevel) {
      SiteBuffer r = rec;
      if (r == null) {
        return; // cleared by a racing thread: see sampled()
      }
      if (r.owner != Thread.currentThread()) {
        r = rebind();
      }
      SiteBuffer.moveLevel(r.peakLevels, peakLevel, level);
      peakLevel = level;
    }
  }

  /* ---------------- Bulk operations -------------- */

  @Override
  public void putAll(Map<? extends K, ? extends V> m) {
    putAllEntries(m);
  }

  private void putAllEntries(Map<? extends K, ? extends V> m) {
    if (m.isEmpty()) {
      return;
    }
    if (delegating && rec == null) {
      super.putAll(m); // HashMap's own presizing, as HashMap(Map) and putAll do
      return;
    }
    if (count == 0 && tops == null && old == null && !delegating) {
      int bb = bucketShiftForHint(m.size());
      if (bb > b && bb <= MAX_B) {
        SiteBuffer r = rec;
        if (r != null) {
          SiteBuffer.moveLevel(r.bLevels, b, bb);
        }
        b = bb;
        mask = (1 << bb) - 1;
      }
    }
    for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
      assign(e.getKey(), e.getValue(), false);
    }
  }

  /** Go's mapclear: keep B, empty the arrays in place, drop the grow and the overflow, reseed. */
  @Override
  public void clear() {
    ownModCount++;
    if (delegating) {
      super.clear();
      return;
    }
    if (count == 0 && old == null && tombstones == 0 && (ovf == null || ovf.used == 0)) {
      return;
    }
    int stamp = beginWrite();
    SiteBuffer r = rec;
    if (r != null && count > 0) {
      if (r.owner != Thread.currentThread()) {
        r = rebind();
      }
      r.counters[Counter.CLEARS.ordinal()]++;
    }
    old = null;
    refreshLive();
    if (tops != null) {
      java.util.Arrays.fill(tops, 0L);
      // Downwards, so that each value is emptied before its key: an insert racing with the clear
      // writes the key before the value, and the pair never ends as a key without its value.
      Object[] ka = kv;
      for (int i = ka.length - 1; i >= 0; i--) {
        ka[i] = null;
      }
      if (shared(next) || shared(filters)) {
        next = linksFor(b);
        filters = filtersFor(b);
      } else {
        java.util.Arrays.fill(next, 0);
        java.util.Arrays.fill(filters, 0L);
      }
      ovf = Overflow.forArray(b);
    }
    count = 0;
    noverflow = 0;
    nevacuate = 0;
    evacuated = 0;
    tombstones = 0;
    reseed();
    endWrite(stamp);
  }

  /* ---------------- Compute family -------------- */

  // The family reads a key's value, maybe calls the application's function, then writes. When
  // find's fast path holds the key (the first tophash match of its main bucket, no grow), the
  // write goes straight to the slot the read found: one lookup, as HashMap's methods make. The
  // modification count, checked after the function as HashMap does, proves that no entry moved
  // meanwhile (entries move only when one is inserted or removed).

  /** {@link #slotOf}: the fast path proves the key absent. */
  private static final int PROVEN_ABSENT = -1;
  /** {@link #slotOf}: only the careful path can tell. */
  private static final int UNKNOWN = -2;

  /**
   * Where {@link #find}'s fast path finds masked key {@code k} in {@code ka} (the current kv
   * array): its key's index, or {@link #PROVEN_ABSENT}, or {@link #UNKNOWN}. Records nothing. A
   * failure (a race, or an exception of the key's own code) is UNKNOWN, and the careful path
   * that follows tells which. Its steps repeat find's first ones rather than share them: find's
   * compiled size is what lets callers inline it, and is kept as measured.
   */
  private int slotOf(Object[] ka, Object k) {
    long[] t = live;
    if (t == null) {
      return UNKNOWN;
    }
    try {
      long h = spread(k);
      int bucket = (int) h & (t.length - 1);
      long w = t[bucket];
      int top = tophash(h);
      long m = lowZeroByte(w ^ (LO * top));
      if (m != 0) {
        int i = keyIndex(bucket, m);
        Object k2 = ka[i];
        return k2 == k || k.equals(k2) ? i : UNKNOWN;
      }
      return (filters[bucket] >>> top & 1) == 0 ? PROVEN_ABSENT : UNKNOWN;
    } catch (RuntimeException e) {
      return UNKNOWN;
    }
  }

  /**
   * The value that {@link #slotOf} found at key index {@code i} of {@code ka}, or {@link #ABSENT},
   * recorded as {@link #find} records it; {@link #find} itself where the fast path could not tell.
   */
  private Object valueAt(Object[] ka, int i, Object key) {
    if (i >= 0) {
      if (rec != null) {
        recordFirstMatch(SiteBuffer.FAST_HIT, i);
      }
      return ka[i + 1];
    }
    return i == PROVEN_ABSENT && rec == null ? ABSENT : find(key);
  }

  /**
   * Writes {@code value} for {@code key}, which {@link #slotOf} found at key index {@code i} of
   * {@code ka} (or did not, {@code i < 0}), as {@link #put} would: into that slot if the
   * modification count is still {@code mc}, read after the lookup (then no entry has moved).
   */
  private void store(Object[] ka, int i, int mc, K key, V value) {
    if (i >= 0 && ownModCount == mc && kv == ka && live != null) {
      int stamp = ++writeStamp;
      ka[i + 1] = value;
      if (rec != null) {
        recordFirstMatch(SiteBuffer.FAST_UPDATE, i);
      }
      endWrite(stamp);
    } else {
      assign(key, value, false);
    }
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    Object[] ka = kv;
    int i = slotOf(ka, maskNull(key));
    Object v = valueAt(ka, i, key);
    int mc = ownModCount;
    if (v == ABSENT || !Objects.equals(v, oldValue)) {
      return false;
    }
    store(ka, i, mc, key, newValue);
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V replace(K key, V value) {
    Object[] ka = kv;
    int i = slotOf(ka, maskNull(key));
    Object v = valueAt(ka, i, key);
    if (v == ABSENT) {
      return null;
    }
    store(ka, i, ownModCount, key, value);
    return (V) v;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
    Objects.requireNonNull(mappingFunction);
    if (delegating) {
      int before = super.size();
      V nv = super.computeIfAbsent(key, mappingFunction);
      countDelegated(before);
      return nv;
    }
    Object[] ka = kv;
    int i = slotOf(ka, maskNull(key));
    Object v = valueAt(ka, i, key);
    if (v != ABSENT && v != null) {
      return (V) v;
    }
    int mc = ownModCount;
    V nv = mappingFunction.apply(key);
    if (mc != ownModCount) {
      throw new ConcurrentModificationException();
    }
    if (nv == null) {
      return null;
    }
    store(ka, i, mc, key, nv);
    return nv;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
    Objects.requireNonNull(remappingFunction);
    if (delegating) {
      int before = super.size();
      V nv = super.computeIfPresent(key, remappingFunction);
      countDelegated(before);
      return nv;
    }
    Object[] ka = kv;
    int i = slotOf(ka, maskNull(key));
    Object v = valueAt(ka, i, key);
    if (v == ABSENT || v == null) {
      return null;
    }
    int mc = ownModCount;
    V nv = remappingFunction.apply(key, (V) v);
    if (mc != ownModCount) {
      throw new ConcurrentModificationException();
    }
    if (nv == null) {
      removeVal(key, null, false);
    } else {
      store(ka, i, mc, key, nv);
    }
    return nv;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
    Objects.requireNonNull(remappingFunction);
    if (delegating) {
      int before = super.size();
      V nv = super.compute(key, remappingFunction);
      countDelegated(before);
      return nv;
    }
    Object[] ka = kv;
    int i = slotOf(ka, maskNull(key));
    Object v = valueAt(ka, i, key);
    V oldValue = v == ABSENT ? null : (V) v;
    int mc = ownModCount;
    V nv = remappingFunction.apply(key, oldValue);
    if (mc != ownModCount) {
      throw new ConcurrentModificationException();
    }
    if (nv == null) {
      if (v != ABSENT) {
        removeVal(key, null, false);
      }
      return null;
    }
    store(ka, i, mc, key, nv);
    return nv;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
    if (value == null || remappingFunction == null) {
      throw new NullPointerException();
    }
    if (delegating) {
      int before = super.size();
      V nv = super.merge(key, value, remappingFunction);
      countDelegated(before);
      return nv;
    }
    Object[] ka = kv;
    int i = slotOf(ka, maskNull(key));
    Object v = valueAt(ka, i, key);
    if (v == ABSENT || v == null) {
      store(ka, i, ownModCount, key, value);
      return value;
    }
    int mc = ownModCount;
    V nv = remappingFunction.apply((V) v, value);
    if (mc != ownModCount) {
      throw new ConcurrentModificationException();
    }
    if (nv == null) {
      removeVal(key, null, false);
    } else {
      store(ka, i, mc, key, nv);
    }
    return nv;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<? super K, ? super V> action) {
    Objects.requireNonNull(action);
    if (delegating) {
      super.forEach(action);
      return;
    }
    if (count == 0) {
      return;
    }
    if (old == null) {
      walk(WALK_FOR_EACH, action);
      return;
    }
    // A grow is in progress: the cursor's walk, in the iterators' order.
    int mc = ownModCount;
    for (Cursor c = new Cursor(); c.advance(); ) {
      V v = (V) c.value();
      action.accept(unmaskNull(c.key()), v);
      if (mc != ownModCount) {
        break;
      }
    }
    if (mc != ownModCount) {
      throw new ConcurrentModificationException();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
    Objects.requireNonNull(function);
    if (delegating) {
      super.replaceAll(function);
      return;
    }
    if (count == 0) {
      return;
    }
    if (old == null) {
      walk(WALK_REPLACE_ALL, function);
      return;
    }
    // A grow is in progress: the cursor's walk, in the iterators' order.
    int mc = ownModCount;
    for (Cursor c = new Cursor(); c.advance(); ) {
      V v = (V) c.value();
      V nv = function.apply(unmaskNull(c.key()), v);
      if (mc != ownModCount) {
        break;
      }
      c.setValue(nv);
    }
    if (mc != ownModCount) {
      throw new ConcurrentModificationException();
    }
  }

  /** What {@link #walk} does with each entry: the method whose walk it is. */
  private static final int WALK_FOR_EACH = 0;
  private static final int WALK_REPLACE_ALL = 1;
  private static final int WALK_KEYS = 2;
  private static final int WALK_VALUES = 3;
  private static final int WALK_ENTRIES = 4;

  /**
   * forEach, replaceAll and the views' forEach on a table that is not growing: the steady
   * iterators' walk and order (the main buckets in order, then the overflow buckets in the order
   * they were handed out, each bucket by its mask of occupied slots), with its state in locals.
   * An iterator is an object, which escape analysis removes only where it can see all of its use
   * (JDK 17 keeps it once a map has overflow buckets: 88 bytes a pass); this walk needs none, and
   * it stores nothing per entry. Throws ConcurrentModificationException, after the entry whose
   * action changed the map's structure, as HashMap's forEach does after its whole walk.
   */
  private void walk(int kind, Object action) {
    int mc = ownModCount;
    long[] t = tops;
    Object[] a = kv;
    Overflow of = ovf;
    if (t != null) {
      int used = of == null ? 0 : of.used;
      if (a == null || of == null || a.length < t.length << 4 || !of.holds(used)) {
        // Racing writers replaced the table between these reads (as SteadyIterator checks).
        throw new ConcurrentModificationException("concurrent map iteration and map write");
      }
      boolean whole = walkBuckets(kind, action, mc, t, a, t.length);
      for (int c = 0, n; whole && (n = of.inChunk(c, used)) >= 0; c++) {
        whole = walkBuckets(kind, action, mc, of.tops[c], of.kv[c], n);
      }
    }
    if (mc != ownModCount) {
      throw new ConcurrentModificationException();
    }
  }

  /**
   * {@link #walk}'s loop over buckets {@code 0..n-1} of one tophash array and its kv array;
   * returns false once an action has changed the map.
   */
  @SuppressWarnings("unchecked")
  private boolean walkBuckets(int kind, Object action, int mc, long[] t, Object[] a, int n) {
    for (int b = 0; b < n; b++) {
      for (long m = occupiedSlots(t[b]); m != 0; m &= m - 1) {
        int i = keyIndex(b, m);
        V v = (V) a[i + 1]; // before the key: a racing delete empties the key first
        Object k = a[i];
        if (k == null) {
          continue; // a slot racing writers left half-written: not an entry
        }
        K key = unmaskNull(k);
        switch (kind) {
          case WALK_FOR_EACH:
            ((BiConsumer<? super K, ? super V>) action).accept(key, v);
            break;
          case WALK_KEYS:
            ((Consumer<? super K>) action).accept(key);
            break;
          case WALK_VALUES:
            ((Consumer<? super V>) action).accept(v);
            break;
          case WALK_ENTRIES:
            ((Consumer<? super Map.Entry<K, V>>) action).accept(new Entry<>(this, k, v, a, i));
            break;
          default: {
            V nv = ((BiFunction<? super K, ? super V, ? extends V>) action).apply(key, v);
            if (mc != ownModCount) {
              return false;
            }
            if (a[i] == k) {
              a[i + 1] = nv;
            } else {
              setExisting(key, nv); // moved by racing writers
            }
          }
        }
        if (mc != ownModCount) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Replaces the value of a present key in place: no grow work, no structural change (the
   * write-through of {@code Map.Entry.setValue}). Returns false when the key is absent.
   */
  private boolean setExisting(Object key, Object value) {
    for (int attempt = 0; ; attempt++) {
      try {
        return setExisting0(key, value);
      } catch (RuntimeException e) {
        recover(e, attempt);
      }
    }
  }

  private boolean setExisting0(Object key, Object value) {
    if (delegating) {
      try {
        if (!super.containsKey(key)) {
          return false;
        }
        super.put(castKey(key), castValue(value));
        return true;
      } catch (RuntimeException e) {
        throw new KeyException(e);
      }
    }
    Object k = maskNull(key);
    if (count == 0) {
      return false;
    }
    long h = keyHash(k);
    int top = tophash(h);
    Old o = old;
    if (o != null) {
      int ob = (int) h & (o.n - 1);
      if (!o.isEvacuated(ob)) {
        return setIn(o.tops, o.kv, o.next, o.ovf, ob, k, top, value);
      }
    }
    return setIn(tops, kv, next, ovf, (int) h & mask, k, top, value);
  }

  private static boolean setIn(long[] ta, Object[] ka, int[] na, Overflow of, int bucket,
      Object k, int top, Object value) {
    int ti = bucket;
    int link = na[bucket];
    for (int chain = 0; chain <= of.used; chain++) {
      long t = ta[ti];
      int kb = ti << 4;
      for (int i = 0; i < BUCKET_SIZE; i++) {
        int s = state(t, i);
        if (s == EMPTY_REST) {
          return false;
        }
        if (s == top) {
          Object k2 = ka[kb + (i << 1)];
          if (k2 == k || userEquals(k, k2)) {
            ka[kb + (i << 1) + 1] = value;
            return true;
          }
        }
      }
      if (link == 0) {
        return false;
      }
      int ov = link - 1;
      int c = of.chunk(ov);
      ti = of.within(ov);
      ta = of.tops[c];
      ka = of.kv[c];
      link = of.next[c][ti];
    }
    return false;
  }

  /* ---------------- Iteration -------------- */

  /**
   * Walks the entries, as the class notes describe: old bucket indices while a grow that was in
   * progress at creation is not over (an unevacuated old bucket itself, else its X and Y new
   * buckets), the current array otherwise. After {@link #advance()} returns true, {@link #key}
   * (masked) and {@link #value} hold the entry, and {@link #ka}/{@link #ki} its slot.
   */
  final class Cursor {
    final long[] nTops;
    final Object[] nKv;
    final int[] nNext;
    final Overflow nOvf;
    final int nB;
    final Old o;
    /** Index of the current main bucket (old index when walking a grow). */
    int index = -1;
    /** 0: walking the old chain; 1: new X chain; 2: new Y chain (during a grow). */
    int phase;
    long[] ta;
    Object[] ka;
    int ti;
    int link;
    Overflow of;
    int slot = BUCKET_SIZE;
    /** The occupied slots of a live bucket not yet returned, one high bit per slot's byte. */
    long occupied;
    int chainGuard;
    boolean inOld;
    /**
     * Where the current entry is: {@code ka[ki]} for an entry of a live bucket, which is read when
     * it is handed out, so that finding the next entry stores no references; the captured
     * {@link #key}, {@link #value} and {@link #kaOfEntry} (null for a re-looked-up entry) for an
     * entry of an old bucket, which grow work may evacuate meanwhile.
     */
    boolean entryInOld;
    int ki;
    Object key;
    Object value;
    Object[] kaOfEntry;
    long[] taOfEntry;
    int tiOfEntry;
    int slotOfEntry;

    Cursor() {
      nTops = tops;
      nKv = kv;
      nNext = next;
      nOvf = ovf;
      nB = b;
      o = old;
    }

    /** Moves to the next entry; false at the end. */
    boolean advance() {
      long m = occupied;
      while (m != 0) {
        // The next occupied slot of a live bucket, from its mask, inlined into the caller. A slot
        // marked occupied without a key is one racing writers left half-written: not an entry.
        int i = keyIndex(ti, m);
        m &= m - 1;
        if (ka[i] != null) {
          occupied = m;
          ki = i;
          return true;
        }
      }
      occupied = 0;
      try {
        return advance0();
      } catch (RuntimeException e) {
        throw raceFailure(e);
      }
    }

    /**
     * Moves to the next bucket with an entry, and to that entry. Its bytecode is above HotSpot's
     * FreqInlineSize, so that it stays out of line and {@link #advance} small enough to inline
     * where iterators are used (and their entries then need no allocation).
     */
    private boolean advance0() {
      long[] nt = nTops;
      Object[] a = nKv;
      int[] nx = nNext;
      if (o == null && link == 0 && nt != null && a.length >= nt.length << 4
          && nx.length == nt.length) {
        // No grow, no chain to finish: the next main bucket with an entry, in one tight loop. A
        // bucket with an overflow chain is left to the general walk below.
        int idx = index + 1;
        long m = 0;
        while (idx < nt.length && nx[idx] == 0 && (m = occupiedSlots(nt[idx])) == 0) {
          idx++;
        }
        if (idx == nt.length) {
          index = idx - 1;
          return false;
        }
        if (m != 0) {
          index = idx;
          ti = idx;
          if (ka != a) {
            ka = a;
            ta = nt;
          }
          occupied = m;
          return advance();
        }
        index = idx - 1; // bucket idx has a chain: the general walk enters it
      }
      for (;;) {
        if (occupied != 0) {
          return advance();
        }
        while (slot < BUCKET_SIZE) {
          // An old bucket, slot by slot: grow work may evacuate it while we walk it.
          int i = slot++;
          long t = ta[ti];
          int s = state(t, i);
          if (s >= MIN_TOP_HASH && ka[(ti << 4) + (i << 1)] != null) {
            key = ka[(ti << 4) + (i << 1)];
            value = ka[(ti << 4) + (i << 1) + 1];
            kaOfEntry = ka;
            ki = (ti << 4) + (i << 1);
            taOfEntry = ta;
            tiOfEntry = ti;
            slotOfEntry = i;
            return true;
          }
          if (s == EVACUATED_X || s == EVACUATED_Y) {
            // Evacuated while we walked this old chain: the live map has the current value.
            Object k = ka[(ti << 4) + (i << 1)];
            Object v = lookupQuiet(k);
            if (v != ABSENT) {
              key = k;
              value = v;
              kaOfEntry = null;
              return true;
            }
          }
        }
        if (link != 0 && chainGuard++ <= of.used) {
          int ov = link - 1;
          int c = of.chunk(ov);
          ti = of.within(ov);
          ta = of.tops[c];
          ka = of.kv[c];
          link = of.next[c][ti];
          enterBucket();
          continue;
        }
        if (!nextChain()) {
          return false;
        }
      }
    }

    /**
     * Starts bucket {@code ti} of {@code ta}: a live bucket is walked by its mask of occupied
     * slots, taken once (only structural changes, which fail the iterator, change it); an old one
     * slot by slot.
     */
    private void enterBucket() {
      if (inOld) {
        slot = 0;
      } else {
        slot = BUCKET_SIZE;
        long t = ta[ti];
        if (ka.length < (ti + 1) << 4) {
          // Racing writers left this bucket's words and entries in arrays of different
          // generations: fail here, inside advance's race handling, and not when the entry's slot
          // is read as it is handed out.
          throw corruptChain();
        }
        occupied = occupiedSlots(t);
      }
    }

    private boolean nextChain() {
      chainGuard = 0;
      if (o == null) {
        if (nTops == null || ++index >= (1 << nB)) {
          return false;
        }
        startNew(index);
        return true;
      }
      if (index >= 0 && phase == 1 && !o.sameSize) {
        phase = 2;
        startNew(index + o.n);
        return true;
      }
      if (++index >= o.n) {
        return false;
      }
      if (!o.isEvacuated(index)) {
        phase = 0;
        inOld = true;
        entryInOld = true;
        ta = o.tops;
        ka = o.kv;
        ti = index;
        link = o.next[index];
        of = o.ovf;
        enterBucket();
      } else {
        phase = 1;
        startNew(index);
      }
      return true;
    }

    private void startNew(int bucket) {
      inOld = false;
      entryInOld = false;
      ta = nTops;
      ka = nKv;
      ti = bucket;
      link = nNext[bucket];
      of = nOvf;
      enterBucket();
    }

    /**
     * The current entry's key (masked). An occupied slot never holds null (a null key is
     * {@code NULL_KEY}), except while another thread fills or empties it: that is a concurrent
     * modification, not an entry to hand out.
     */
    Object key() {
      Object k = entryInOld ? key : ka[ki];
      if (k == null) {
        throw new ConcurrentModificationException();
      }
      return k;
    }

    Object value() {
      return entryInOld ? value : ka[ki + 1];
    }

    /** The array holding the current entry's slot; null for an entry re-looked-up. */
    Object[] entryKa() {
      return entryInOld ? kaOfEntry : ka;
    }

    /** Writes a new value for the current entry. */
    void setValue(Object v) {
      Object[] a = entryKa();
      Object k = key();
      if (a != null && a[ki] == k
          && (!entryInOld || state(taOfEntry[tiOfEntry], slotOfEntry) >= MIN_TOP_HASH)) {
        a[ki + 1] = v;
      } else {
        setExisting(unmaskNull(k), v);
      }
      value = v;
    }
  }

  /** A lookup that records nothing (iterators re-looking up evacuated entries). */
  private Object lookupQuiet(Object k) {
    SiteBuffer r = rec;
    rec = null;
    try {
      return lookup(unmaskNull(k), false);
    } finally {
      rec = r;
    }
  }

  /** What the map's iterators share: the entry ahead, the fail-fast check, and remove. */
  abstract class MapIterator<E> implements Iterator<E> {
    boolean hasNext;
    int expectedModCount = ownModCount;

    /** The key (masked) last handed out and not yet removed; {@link #ABSENT} if there is none. */
    abstract Object lastKey();

    /** Forgets the key last handed out: it has been removed. */
    abstract void forgetLastKey();

    @Override
    public final boolean hasNext() {
      return hasNext;
    }

    /** Checks for concurrent modification and exhaustion before handing out the next entry. */
    final void checkNext() {
      int mc = ownModCount; // read once: racing writers can even move it back
      if (mc != expectedModCount || !hasNext) {
        throw nextFailure(mc != expectedModCount);
      }
    }

    @Override
    public final void remove() {
      Object k = lastKey();
      if (k == ABSENT) {
        throw new IllegalStateException();
      }
      if (ownModCount != expectedModCount) {
        throw new ConcurrentModificationException();
      }
      forgetLastKey();
      removeVal(unmaskNull(k), null, false);
      expectedModCount = ownModCount;
    }
  }

  private static RuntimeException nextFailure(boolean modified) {
    return modified ? new ConcurrentModificationException() : new NoSuchElementException();
  }

  /**
   * An iterator over a table that was not growing when the iterator was made. No grow can start
   * before a structural modification, which fails the iterator, so it walks the arrays it saw
   * then: the main buckets in order, then the overflow buckets in the order they were handed out
   * (each is linked from exactly one chain, which {@code checkInvariants} checks), each bucket by
   * its mask of occupied slots. It follows no links, so it needs no guard against the cycles
   * racing writers can leave. It is small and hands itself to no method, so that a loop can
   * inline {@code hasNext} and {@code next}: escape analysis then removes the entries it returns,
   * and on JDK 25 the iterator itself, as it removes HashMap's (RESULTS.md, eleventh round).
   */
  abstract class SteadyIterator<E> extends MapIterator<E> {
    private final long[] mainTops;
    private final Object[] mainKv;
    private final Overflow overflow;
    private final int overflowUsed;
    // The walk stores no reference in this object (each such store costs a GC barrier), which
    // keeps next() small enough to be inlined: the arrays are named by chunk numbers.
    /** The overflow chunk holding the bucket being walked; -1 for the main array. */
    private int kc = -1;
    /** The bucket being walked: a main bucket, or an overflow bucket's index in its chunk. */
    private int ti = -1;
    /** The main buckets to walk; 0 once the walk is in the overflow store. */
    private int end;
    /** The next overflow bucket to walk, by number. */
    private int ov;
    /** The occupied slots of bucket {@link #ti} not yet returned, one high bit per slot's byte. */
    private long occupied;
    /** The current entry's key index in {@link #ka()}. */
    int ki;
    /** Where the entry last handed out was: its chunk (as {@link #kc}) and key index, or -1. */
    private int lastKc;
    private int lastKi = -1;

    SteadyIterator() {
      long[] t = tops;
      Object[] a = kv;
      Overflow of = ovf;
      mainTops = t;
      mainKv = a;
      overflow = of;
      overflowUsed = of == null ? 0 : of.used;
      if (t != null) {
        if (a == null || of == null || a.length < t.length << 4 || !of.holds(overflowUsed)) {
          // Racing writers replaced the table between these reads, or left an overflow count
          // that runs ahead of its chunks. Checked here, so that no read can fail in advance.
          throw new ConcurrentModificationException("concurrent map iteration and map write");
        }
        end = t.length;
      }
      hasNext = t != null && count > 0 && advance(a);
    }

    /** The kv array of chunk {@code c} (as {@link #kc}). */
    private Object[] kvOf(int c) {
      return c < 0 ? mainKv : overflow.kv[c];
    }

    /** The kv array of the bucket being walked. */
    final Object[] ka() {
      return kvOf(kc);
    }

    /**
     * Moves to the next entry; false at the end. {@code a} is {@link #ka()}, which the caller has
     * at hand.
     */
    final boolean advance(Object[] a) {
      long m = occupied;
      for (;;) {
        if (m != 0) {
          int i = keyIndex(ti, m);
          m &= m - 1;
          if (a[i] != null) { // else a slot racing writers left half-written: not an entry
            occupied = m;
            ki = i;
            return true;
          }
        } else if (++ti < end) {
          m = occupiedSlots(mainTops[ti]);
        } else if (ov < overflowUsed) {
          Overflow of = overflow;
          int c = of.chunk(ov);
          int i = of.within(ov);
          ov++;
          kc = c;
          a = of.kv[c];
          ti = i;
          end = 0;
          m = occupiedSlots(of.tops[c][i]);
        } else {
          occupied = 0;
          return false;
        }
      }
    }

    /**
     * Hands out the current entry, whose kv array is {@code a}: remembers where it is, for
     * remove, and moves to the next. Returns its key (masked). The value is read before the key:
     * a racing delete empties the key before the value, so a value read as emptied makes the key
     * read null, which is a concurrent modification, not an entry to hand out.
     */
    final Object step(Object[] a) {
      Object k = a[ki];
      if (k == null) {
        throw nextFailure(true);
      }
      lastKc = kc;
      lastKi = ki;
      hasNext = advance(a);
      return k;
    }

    @Override
    final Object lastKey() {
      int i = lastKi;
      if (i < 0) {
        return ABSENT;
      }
      Object k = kvOf(lastKc)[i];
      if (k == null) {
        throw new ConcurrentModificationException(); // removed meanwhile
      }
      return k;
    }

    @Override
    final void forgetLastKey() {
      lastKi = -1;
    }
  }

  final class SteadyKeyIterator extends SteadyIterator<K> {
    @Override
    public K next() {
      checkNext();
      return unmaskNull(step(ka()));
    }
  }

  final class SteadyValueIterator extends SteadyIterator<V> {
    @Override
    @SuppressWarnings("unchecked")
    public V next() {
      checkNext();
      Object[] a = ka();
      Object v = a[ki + 1];
      step(a);
      return (V) v;
    }
  }

  final class SteadyEntryIterator extends SteadyIterator<Map.Entry<K, V>> {
    @Override
    public Map.Entry<K, V> next() {
      checkNext();
      Object[] a = ka();
      int i = ki;
      Object v = a[i + 1];
      Object k = step(a);
      return new Entry<>(TophashMap.this, k, v, a, i);
    }
  }

  /**
   * An iterator that started during a grow, walking old bucket indices with a {@link Cursor} as
   * the class notes describe.
   */
  abstract class GrowingIterator<E> extends MapIterator<E> {
    final Cursor cursor = new Cursor();
    Object lastKey = ABSENT;

    GrowingIterator() {
      hasNext = count > 0 && cursor.advance();
    }

    final void step() {
      // The cursor holds the next entry until the following step.
      hasNext = cursor.advance();
    }

    final Entry<K, V> nextEntry() {
      checkNext();
      Cursor c = cursor;
      // The value before the key: a racing delete empties the key before the value, so a value
      // read as emptied makes the key read null, a ConcurrentModificationException.
      Object v = c.value();
      Object k = c.key();
      Entry<K, V> e = c.entryInOld ? oldEntry(c) : new Entry<>(TophashMap.this, k, v, c.ka, c.ki);
      lastKey = k;
      step();
      return e;
    }

    @Override
    final Object lastKey() {
      return lastKey;
    }

    @Override
    final void forgetLastKey() {
      lastKey = ABSENT;
    }

    /** The entry of an old bucket, out of line: only iterators that started during a grow. */
    private Entry<K, V> oldEntry(Cursor c) {
      return new OldEntry<>(TophashMap.this, c.key, c.value, c.kaOfEntry, c.ki, c.taOfEntry,
          c.tiOfEntry, c.slotOfEntry);
    }
  }

  /** A map entry as iterators return it; {@code setValue} writes through to the map. */
  static class Entry<K, V> implements Map.Entry<K, V> {
    final TophashMap<K, V> map;
    final Object key;
    Object value;
    /** The array and index of the entry's key when it was handed out; null if re-looked-up. */
    final Object[] ka;
    final int ki;

    Entry(TophashMap<K, V> map, Object key, Object value, Object[] ka, int ki) {
      this.map = map;
      this.key = key;
      this.value = value;
      this.ka = ka;
      this.ki = ki;
    }

    @Override
    public K getKey() {
      return unmaskNull(key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getValue() {
      return (V) value;
    }

    /** Whether the slot the entry came from still holds it, so that a write there is the map's. */
    boolean slotHoldsKey() {
      return ka != null && ka[ki] == key;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V setValue(V v) {
      V previous = (V) value;
      if (slotHoldsKey()) {
        ka[ki + 1] = v;
      } else {
        map.setExisting(getKey(), v);
      }
      value = v;
      return previous;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      return o instanceof Map.Entry<?, ?> e
          && Objects.equals(getKey(), e.getKey()) && Objects.equals(value, e.getValue());
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(getKey()) ^ Objects.hashCode(value);
    }

    @Override
    public String toString() {
      return getKey() + "=" + value;
    }
  }

  /**
   * An entry handed out from an old bucket during a grow: its slot holds the live entry only
   * while the bucket is not evacuated.
   */
  static final class OldEntry<K, V> extends Entry<K, V> {
    private final long[] ta;
    private final int ti;
    private final int slot;

    OldEntry(TophashMap<K, V> map, Object key, Object value, Object[] ka, int ki, long[] ta,
        int ti, int slot) {
      super(map, key, value, ka, ki);
      this.ta = ta;
      this.ti = ti;
      this.slot = slot;
    }

    @Override
    boolean slotHoldsKey() {
      return super.slotHoldsKey() && state(ta[ti], slot) >= MIN_TOP_HASH;
    }
  }

  final class GrowingKeyIterator extends GrowingIterator<K> {
    @Override
    public K next() {
      checkNext();
      Object k = cursor.key();
      lastKey = k;
      step();
      return unmaskNull(k);
    }
  }

  final class GrowingValueIterator extends GrowingIterator<V> {
    @Override
    @SuppressWarnings("unchecked")
    public V next() {
      checkNext();
      Cursor c = cursor;
      Object v = c.value();
      lastKey = c.key();
      step();
      return (V) v;
    }
  }

  final class GrowingEntryIterator extends GrowingIterator<Map.Entry<K, V>> {
    @Override
    public Map.Entry<K, V> next() {
      return nextEntry();
    }
  }

  /* ---------------- Views -------------- */

  @Override
  public Set<K> keySet() {
    if (delegating) {
      return super.keySet();
    }
    Set<K> ks = keySetView;
    if (ks == null) {
      ks = new KeySet();
      keySetView = ks;
    }
    return ks;
  }

  @Override
  public Collection<V> values() {
    if (delegating) {
      return super.values();
    }
    Collection<V> vs = valuesView;
    if (vs == null) {
      vs = new Values();
      valuesView = vs;
    }
    return vs;
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    if (delegating) {
      return super.entrySet();
    }
    Set<Map.Entry<K, V>> es = entrySetView;
    if (es == null) {
      es = new EntrySet();
      entrySetView = es;
    }
    return es;
  }

  /**
   * A view's forEach: {@link #walk} on a table that is not growing; otherwise the view's
   * iterator, as Iterable's forEach (a HashMap's view when the map delegates).
   */
  @SuppressWarnings("unchecked")
  private <E> void forEachOf(int kind, Consumer<? super E> action, Collection<E> view) {
    Objects.requireNonNull(action);
    if (delegating) {
      (kind == WALK_KEYS ? (Collection<E>) super.keySet() : kind == WALK_VALUES ? (Collection<E>) super.values()
          : (Collection<E>) super.entrySet()).forEach(action);
    } else if (old == null) {
      if (count != 0) {
        walk(kind, action);
      }
    } else {
      for (Iterator<E> it = view.iterator(); it.hasNext(); ) {
        action.accept(it.next());
      }
    }
  }

  /** What the key and entry views share: their size and clear are the map's. */
  abstract class MapSet<E> extends AbstractSet<E> {
    @Override
    public final int size() {
      return TophashMap.this.size();
    }

    @Override
    public final void clear() {
      TophashMap.this.clear();
    }
  }

  final class KeySet extends MapSet<K> {
    @Override
    public Iterator<K> iterator() {
      if (delegating) {
        return TophashMap.super.keySet().iterator();
      }
      return old == null ? new SteadyKeyIterator() : new GrowingKeyIterator();
    }

    @Override
    public boolean contains(Object o) {
      return containsKey(o);
    }

    @Override
    public boolean remove(Object key) {
      return removeVal(key, null, false) != ABSENT;
    }

    @Override
    public void forEach(Consumer<? super K> action) {
      forEachOf(WALK_KEYS, action, this);
    }
  }

  final class Values extends AbstractCollection<V> {
    @Override
    public int size() {
      return TophashMap.this.size();
    }

    @Override
    public void clear() {
      TophashMap.this.clear();
    }

    @Override
    public Iterator<V> iterator() {
      if (delegating) {
        return TophashMap.super.values().iterator();
      }
      return old == null ? new SteadyValueIterator() : new GrowingValueIterator();
    }

    @Override
    public boolean contains(Object o) {
      return containsValue(o);
    }

    @Override
    public void forEach(Consumer<? super V> action) {
      forEachOf(WALK_VALUES, action, this);
    }
  }

  final class EntrySet extends MapSet<Map.Entry<K, V>> {
    @Override
    public Iterator<Map.Entry<K, V>> iterator() {
      if (delegating) {
        return TophashMap.super.entrySet().iterator();
      }
      return old == null ? new SteadyEntryIterator() : new GrowingEntryIterator();
    }

    @Override
    public boolean contains(Object o) {
      if (!(o instanceof Map.Entry<?, ?> e)) {
        return false;
      }
      if (delegating) {
        return TophashMap.super.entrySet().contains(o);
      }
      Object v = lookupQuiet(maskNull(e.getKey()));
      return v != ABSENT && Objects.equals(v, e.getValue());
    }

    @Override
    public boolean remove(Object o) {
      if (!(o instanceof Map.Entry<?, ?> e)) {
        return false;
      }
      return removeVal(e.getKey(), e.getValue(), true) != ABSENT;
    }

    @Override
    public void forEach(Consumer<? super Map.Entry<K, V>> action) {
      forEachOf(WALK_ENTRIES, action, this);
    }
  }

  /* ---------------- Object methods -------------- */

  /** An independent copy: same table layout, same site, same iteration order. */
  @Override
  @SuppressWarnings("unchecked")
  public Object clone() {
    if (delegating) {
      TophashMap<K, V> d = (TophashMap<K, V>) super.clone(); // HashMap copies its own table
      d.keySetView = null;
      d.valuesView = null;
      d.entrySetView = null;
      return d;
    }
    TophashMap<K, V> c = new TophashMap<>((Void) null, site);
    c.b = b;
    c.mask = mask;
    if (tops != null) {
      c.tops = tops.clone();
      c.kv = kv.clone();
      c.next = shared(next) ? next : next.clone();
      c.filters = shared(filters) ? filters : filters.clone();
      c.ovf = ovf == Overflow.NONE ? ovf : ovf.copy();
    }
    c.old = old == null ? null : old.copy();
    c.count = count;
    c.noverflow = noverflow;
    c.nevacuate = nevacuate;
    c.evacuated = evacuated;
    c.tombstones = tombstones;
    c.seed = seed;
    c.rnd = rnd;
    c.hardened = hardened;
    c.stringSeed = stringSeed;
    c.refreshLive();
    return c;
  }

  /** Serializes as a plain {@link HashMap}, so a JVM without tophash reads it back. */
  private Object writeReplace() throws ObjectStreamException {
    if (delegating) {
      return new HashMap<>(this);
    }
    HashMap<Object, Object> m = new HashMap<>(Math.max(16, (int) (count / 0.75f) + 1));
    for (Cursor c = new Cursor(); c.advance(); ) {
      m.put(unmaskNull(c.key()), c.value());
    }
    return m;
  }

  /* ---------------- Test support -------------- */

  /** The main bucket a key hashes to with the current seed and B. */
  int bucketOf(Object key) {
    return (int) hash(maskNull(key)) & mask;
  }

  /**
   * The slot states of one main bucket's chain, as Go's golden vectors write them: F full,
   * E emptyOne, R emptyRest, X/Y/Z evacuated X/Y/empty; buckets joined by " -> ".
   */
  String chainStates(int bucket) {
    StringBuilder sb = new StringBuilder();
    int id = bucket;
    for (int guard = 0; guard <= ovf.used; guard++) {
      long t = topOf(id);
      if (sb.length() > 0) {
        sb.append(" -> ");
      }
      for (int i = 0; i < BUCKET_SIZE; i++) {
        int s = state(t, i);
        sb.append(s >= MIN_TOP_HASH ? 'F' : "REXYZ".charAt(s));
      }
      int link = linkOf(id);
      if (link == 0) {
        break;
      }
      id = (1 << b) + link - 1;
    }
    return sb.toString();
  }

  /**
   * Checks every structural invariant and throws {@link AssertionError} on the first violation:
   * tophash states, count and tombstone totals, emptyRest tails, overflow chains, evacuation marks
   * and the evacuation cursor, and that every live key is found where it hashes.
   */
  void checkInvariants() {
    check(this.live == liveTable(),
        "the fast paths' table is not the current one, or is one they must not take");
    if (delegating) {
      check(tops == null && count == 0, "a delegating map keeps no table of its own");
      return;
    }
    if (tops == null) {
      check(count == 0, "no table but count " + count);
      return;
    }
    int n = 1 << b;
    check(tops.length == n && next.length == n && kv.length == n << 4 && filters.length == n,
        "array sizes for B " + b);
    for (int i = 0; i <= SHARED_MAX_B; i++) {
      check(java.util.Arrays.equals(NO_LINKS[i], new int[1 << i])
          && java.util.Arrays.equals(NO_FILTERS[i], new long[1 << i])
          && Overflow.NONE.used == 0, "a shared empty array or overflow store was written");
    }
    check(ovf.used == 0 || ovf != Overflow.NONE && !shared(next) && !shared(filters),
        "overflow buckets in use with shared arrays");
    int live = 0;
    int tomb = 0;
    int used = ovf.used;
    boolean[] linked = new boolean[used];
    for (int bucket = 0; bucket < n; bucket++) {
      int[] counts = checkChain(tops, kv, next, ovf, bucket, linked, false);
      checkFilter(bucket);
      live += counts[0];
      tomb += counts[1];
    }
    for (int i = 0; i < used; i++) {
      check(linked[i], "overflow bucket " + i + " is not linked from any chain");
    }
    Old o = old;
    if (o != null) {
      check(o.sameSize ? o.b == b : o.b == b - 1, "old B " + o.b + " vs B " + b);
      check(nevacuate <= o.n, "nevacuate beyond old buckets");
      boolean[] oldLinked = new boolean[o.ovf.used];
      int ev = 0;
      for (int bucket = 0; bucket < o.n; bucket++) {
        boolean e = o.isEvacuated(bucket);
        if (bucket < nevacuate) {
          check(e, "old bucket " + bucket + " below nevacuate " + nevacuate + " not evacuated");
        }
        if (e) {
          ev++;
        }
        int[] counts = checkChain(o.tops, o.kv, o.next, o.ovf, bucket, oldLinked, e);
        if (!e) {
          live += counts[0];
          tomb += counts[1];
        }
        if (!e && !o.sameSize) {
          check(state(tops[bucket], 0) == EMPTY_REST && next[bucket] == 0
                  && state(tops[bucket + o.n], 0) == EMPTY_REST && next[bucket + o.n] == 0,
              "new buckets of unevacuated old bucket " + bucket + " are not empty");
        }
      }
      check(ev == evacuated, "evacuated count " + evacuated + " but " + ev + " marked");
    }
    check(live == count, "count " + count + " but " + live + " live slots");
    check(tomb == tombstones, "tombstones " + tombstones + " but " + tomb + " emptyOne slots");
    if (b < 16) {
      check(noverflow == used, "noverflow " + noverflow + " but " + used + " overflow buckets");
    }
  }

  /** The filter of main bucket {@code bucket} has the bit of every key in its overflow buckets. */
  private void checkFilter(int bucket) {
    long f = filters[bucket];
    Overflow of = ovf;
    for (int link = next[bucket]; link != 0; ) {
      int ov = link - 1;
      int c = of.chunk(ov);
      int ti = of.within(ov);
      long t = of.tops[c][ti];
      for (int i = 0; i < BUCKET_SIZE; i++) {
        int s = state(t, i);
        check(s < MIN_TOP_HASH || (f >>> s & 1) != 0,
            "filter of bucket " + bucket + " lacks tophash " + s + " of its overflow chain");
      }
      link = of.next[c][ti];
    }
  }

  private int[] checkChain(long[] ta, Object[] ka, int[] na, Overflow of, int bucket,
      boolean[] linked, boolean evacuatedChain) {
    int live = 0;
    int tomb = 0;
    boolean restSeen = false;
    int ti = bucket;
    int link = na[bucket];
    int kb = bucket << 4;
    for (int guard = 0; ; guard++) {
      check(guard <= of.used, "overflow chain of bucket " + bucket + " loops");
      long t = ta[ti];
      for (int i = 0; i < BUCKET_SIZE; i++) {
        int s = state(t, i);
        if (evacuatedChain) {
          check(s >= EVACUATED_X && s <= EVACUATED_EMPTY, "evacuated chain " + bucket
              + " has state " + s);
          continue;
        }
        check(s < EVACUATED_X || s >= MIN_TOP_HASH, "state " + s + " outside a grow's old array");
        if (restSeen) {
          check(s == EMPTY_REST, "slot after emptyRest is " + s + " in chain " + bucket);
        }
        if (s == EMPTY_REST) {
          restSeen = true;
        } else if (s == EMPTY_ONE) {
          tomb++;
        } else {
          live++;
          Object k = ka[kb + (i << 1)];
          check(k != null, "occupied slot with no key in chain " + bucket);
          long h = hash(k);
          check(tophash(h) == s, "tophash of " + k + " is " + tophash(h) + ", slot says " + s);
        }
      }
      if (link == 0) {
        break;
      }
      int ov = link - 1;
      check(ov < of.used, "link to unused overflow bucket " + ov);
      check(!linked[ov], "overflow bucket " + ov + " linked twice");
      linked[ov] = true;
      int c = of.chunk(ov);
      ti = of.within(ov);
      ta = of.tops[c];
      ka = of.kv[c];
      kb = ti << 4;
      link = of.next[c][ti];
    }
    return new int[] {live, tomb};
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
