package dev.tophash.bench;

/**
 * A key with a poor hash code: {@code id << 12}, so the low 12 bits are always zero and ids that
 * differ only above bit 19 collide. A map that takes its bucket index from the low bits without
 * mixing sees every key in bucket 0; one that takes a tag from the high bits sees few distinct tags
 * in small maps. Not {@link Comparable}.
 */
public final class PoorKey {
  private final int id;

  public PoorKey(int id) {
    this.id = id;
  }

  @Override public int hashCode() { return id << 12; }

  @Override public boolean equals(Object o) {
    return o instanceof PoorKey && ((PoorKey) o).id == id;
  }

  @Override public String toString() { return "PoorKey(" + id + ")"; }
}
