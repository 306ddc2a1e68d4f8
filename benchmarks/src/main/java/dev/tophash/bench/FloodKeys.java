package dev.tophash.bench;

/** Keys that all share one hash code, for the hash-flooding benchmark. */
public enum FloodKeys {
  /**
   * Distinct {@code String}s of 16 two-letter blocks, each block {@code "Aa"} or {@code "BB"}
   * (which hash alike), so all 2^16 of them share one {@code hashCode()}. Comparable.
   */
  STRING {
    @Override Object key(int id) {
      StringBuilder sb = new StringBuilder(32);
      for (int b = 15; b >= 0; b--) {
        sb.append((id >>> b & 1) == 0 ? "Aa" : "BB");
      }
      String s = sb.toString();
      s.hashCode();
      return s;
    }
  },
  /** {@link Comparable} keys with one constant hash code, ordered by id. */
  COMPARABLE {
    @Override Object key(int id) { return new ComparableCollider(id); }
  },
  /** Keys with one constant hash code that are not {@link Comparable}. */
  NON_COMPARABLE {
    @Override Object key(int id) { return new Collider(id); }
  };

  abstract Object key(int id);

  /**
   * How many colliding keys the benchmark uses: 50,000 (issue 8), or 5,000 for
   * {@link #NON_COMPARABLE}, which HashMap too can only scan. The system property
   * {@code tophash.flood.keys} overrides it for every kind.
   */
  public int count() {
    Integer override = Integer.getInteger("tophash.flood.keys");
    if (override != null) {
      return override;
    }
    return this == NON_COMPARABLE ? 5_000 : 50_000;
  }

  /** {@code n} distinct keys that share one hash code (at most 65,536 for {@link #STRING}). */
  public Object[] generate(int n) {
    if (this == STRING && n > 1 << 16) {
      throw new IllegalArgumentException("at most 65536 colliding strings, asked for " + n);
    }
    Object[] keys = new Object[n];
    for (int i = 0; i < n; i++) {
      keys[i] = key(i);
      if (keys[i].hashCode() != keys[0].hashCode()) {
        throw new AssertionError("hash codes differ: " + keys[0] + ", " + keys[i]);
      }
    }
    return keys;
  }

  /** A non-Comparable key whose hash code is the same for every instance. */
  public static final class Collider {
    final int id;

    Collider(int id) {
      this.id = id;
    }

    @Override public int hashCode() { return 0x5EED; }

    @Override public boolean equals(Object o) {
      return o instanceof Collider && ((Collider) o).id == id;
    }

    @Override public String toString() { return "Collider(" + id + ")"; }
  }

  /** A Comparable key whose hash code is the same for every instance. */
  public static final class ComparableCollider implements Comparable<ComparableCollider> {
    final int id;

    ComparableCollider(int id) {
      this.id = id;
    }

    @Override public int hashCode() { return 0x5EED; }

    @Override public boolean equals(Object o) {
      return o instanceof ComparableCollider && ((ComparableCollider) o).id == id;
    }

    @Override public int compareTo(ComparableCollider o) { return Integer.compare(id, o.id); }

    @Override public String toString() { return "ComparableCollider(" + id + ")"; }
  }
}
