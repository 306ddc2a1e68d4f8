package dev.tophash.map;

/**
 * The overflow buckets of one bucket-array generation, in chunks so that handing out a bucket
 * never copies the ones already in use.
 *
 * <p>Chunk 0 holds Go's preallocated spares ({@code 2^(B-4)} buckets for B ≥ 4, none below), made
 * with the bucket array; later chunks hold {@code 2^clamp(B-4, 2, 10)} buckets each and are
 * allocated when the previous ones are used up, so the largest single allocation is bounded
 * (1024 buckets) however large the map. Overflow bucket {@code o} is addressed by its chunk and
 * its index within the chunk; links between buckets store {@code o + 1}, with 0 meaning "none".
 */
final class Overflow {
  final int preallocated;
  final int shift;
  long[][] tops;
  Object[][] kv;
  int[][] next;
  /** Overflow buckets handed out so far. */
  int used;

  /**
   * The empty store shared by small arrays (no preallocated spares) until their first overflow
   * bucket, when the map replaces it with its own: never allocated from, never written.
   */
  static final Overflow NONE = new Overflow(0);

  /** The overflow store a new array of 2^b main buckets starts with. */
  static Overflow forArray(int b) {
    return preallocatedFor(b) == 0 ? NONE : new Overflow(b);
  }

  Overflow(int b) {
    this.preallocated = preallocatedFor(b);
    this.shift = Math.max(2, Math.min(10, b - 4));
    int chunks = 4;
    tops = new long[chunks][];
    kv = new Object[chunks][];
    next = new int[chunks][];
    if (preallocated > 0) {
      tops[0] = new long[preallocated];
      kv[0] = new Object[preallocated << 4];
      next[0] = new int[preallocated];
    }
  }

  /** Go's spare overflow buckets for an array of 2^b main buckets: 2^(b-4) from b = 4 on. */
  static int preallocatedFor(int b) {
    return b >= 4 ? 1 << (b - 4) : 0;
  }

  /** A deep copy, for clone(). */
  Overflow copy() {
    Overflow c = new Overflow(this);
    return c;
  }

  private Overflow(Overflow o) {
    preallocated = o.preallocated;
    shift = o.shift;
    used = o.used;
    tops = new long[o.tops.length][];
    kv = new Object[o.kv.length][];
    next = new int[o.next.length][];
    for (int i = 0; i < tops.length; i++) {
      if (o.tops[i] != null) {
        tops[i] = o.tops[i].clone();
        kv[i] = o.kv[i].clone();
        next[i] = o.next[i].clone();
      }
    }
  }

  /** The chunk holding overflow bucket {@code o}. */
  int chunk(int o) {
    return o < preallocated ? 0 : 1 + ((o - preallocated) >>> shift);
  }

  /** The index of overflow bucket {@code o} within its chunk. */
  int within(int o) {
    return o < preallocated ? o : (o - preallocated) & ((1 << shift) - 1);
  }

  /** Hands out the next free overflow bucket, allocating a chunk when needed; returns its number. */
  int allocate() {
    int o = used;
    int c = chunk(o);
    if (c >= tops.length) {
      int n = tops.length * 2;
      tops = java.util.Arrays.copyOf(tops, n);
      kv = java.util.Arrays.copyOf(kv, n);
      next = java.util.Arrays.copyOf(next, n);
    }
    if (tops[c] == null) {
      int size = 1 << shift;
      long[] t = new long[size];
      Object[] k = new Object[size << 4];
      int[] x = new int[size];
      tops[c] = t;
      kv[c] = k;
      next[c] = x;
    }
    used = o + 1;
    return o;
  }

  /**
   * How many of the first {@code used} buckets are in chunk {@code c}: 0 for a chunk before the
   * last in use that holds none of them (chunk 0 when nothing is preallocated), -1 for a chunk
   * after the last in use.
   */
  int inChunk(int c, int used) {
    int first = c == 0 ? 0 : preallocated + ((c - 1) << shift);
    return first >= used ? -1 : Math.min(used - first, c == 0 ? preallocated : 1 << shift);
  }

  /**
   * Whether the chunks hold the first {@code used} buckets. Racing writers can leave a count that
   * runs ahead of the chunks; chunks, once allocated, are never replaced.
   */
  boolean holds(int used) {
    for (int c = 0, n; (n = inChunk(c, used)) >= 0; c++) {
      if (n > 0 && (c >= tops.length || tops[c] == null || tops[c].length < n
          || c >= kv.length || kv[c] == null || kv[c].length < n << 4)) {
        return false;
      }
    }
    return true;
  }

  /** Buckets allocated in chunks, used or not. */
  int capacity() {
    int n = 0;
    for (long[] t : tops) {
      if (t != null) {
        n += t.length;
      }
    }
    return n;
  }
}
