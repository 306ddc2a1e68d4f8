package dev.tophash.bench;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The key kinds benchmarked. Each produces {@code n} distinct keys that a map will hold and
 * {@code n} further distinct keys that it will not (for misses and churn), all allocated up front
 * so that benchmark loops allocate nothing.
 */
public enum KeyType {
  /** {@code Integer} 0..n-1, inserted and looked up in ascending order. */
  INT_SEQ(false) {
    @Override Object key(int id, Random rnd) { return Integer.valueOf(id); }
  },
  /** {@code Integer} 0..n-1, inserted and looked up in a random order. */
  INT_SHUFFLED(true) {
    @Override Object key(int id, Random rnd) { return Integer.valueOf(id); }
  },
  /** Random {@code String}s of 8 to 16 letters and digits, hash code computed (cached) up front. */
  STRING(true) {
    @Override Object key(int id, Random rnd) {
      int len = 8 + rnd.nextInt(9);
      char[] c = new char[len];
      for (int i = 0; i < len; i++) {
        c[i] = ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
      }
      String s = new String(c);
      s.hashCode();
      return s;
    }
  },
  /** {@link PoorKey}: a hash code whose low 12 bits are always zero. */
  POOR_HASH(true) {
    @Override Object key(int id, Random rnd) { return new PoorKey(id); }
  };

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final boolean shuffled;

  KeyType(boolean shuffled) {
    this.shuffled = shuffled;
  }

  abstract Object key(int id, Random rnd);

  /** Whether insertion and lookup orders are random rather than ascending. */
  public boolean shuffled() { return shuffled; }

  /**
   * Generates the keys: {@code present[0..n)} in insertion order, then {@code absent[0..n)}, all
   * distinct. Deterministic for a given seed.
   */
  public KeySet generate(int n, long seed) {
    Random rnd = new Random(seed);
    int[] ids = new int[2 * n];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    if (shuffled) {
      shuffle(ids, 0, n, rnd);
      shuffle(ids, n, 2 * n, rnd);
    }
    Object[] present = new Object[n];
    Object[] absent = new Object[n];
    Set<Object> seen = this == STRING ? new HashSet<>(4 * n) : null;
    for (int i = 0; i < 2 * n; i++) {
      Object k;
      do {
        k = key(ids[i], rnd);
      } while (seen != null && !seen.add(k));
      if (i < n) {
        present[i] = k;
      } else {
        absent[i - n] = k;
      }
    }
    return new KeySet(present, absent, lookupOrder(present, rnd), lookupOrder(absent, rnd));
  }

  /** A power-of-two array cycling through {@code keys}, shuffled when this kind is shuffled. */
  private Object[] lookupOrder(Object[] keys, Random rnd) {
    int len = Integer.highestOneBit(Math.max(1, keys.length - 1)) << 1;
    if (len < keys.length) {
      len = keys.length;
    }
    Object[] order = new Object[len];
    for (int i = 0; i < len; i++) {
      order[i] = keys[i % keys.length];
    }
    if (shuffled) {
      for (int i = len - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        Object t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  private static void shuffle(int[] a, int from, int to, Random rnd) {
    for (int i = to - 1; i > from; i--) {
      int j = from + rnd.nextInt(i - from + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /**
   * Precomputed keys. {@code hits} and {@code misses} have a power-of-two length, so a loop
   * indexes them with {@code i++ & mask}.
   */
  public static final class KeySet {
    public final Object[] present;
    public final Object[] absent;
    public final Object[] hits;
    public final Object[] misses;
    public final int mask;

    KeySet(Object[] present, Object[] absent, Object[] hits, Object[] misses) {
      this.present = present;
      this.absent = absent;
      this.hits = hits;
      this.misses = misses;
      this.mask = hits.length - 1;
    }
  }
}
