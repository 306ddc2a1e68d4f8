package dev.tophash.map;

/**
 * A read-only view of a {@link TophashMap}'s table at one moment, for tests and reports.
 *
 * @param b log2 of the number of main buckets
 * @param count live entries
 * @param noverflow Go's overflow-bucket count of the current array (exact while B < 16, then
 *     approximate as Go's is)
 * @param overflowBuckets overflow buckets actually in use in the current array
 * @param preallocatedOverflow spare overflow buckets made with the current array (Go's 2^(B-4))
 * @param growing whether a grow is in progress (old and new arrays coexist)
 * @param sameSizeGrow whether the grow in progress is a same-size grow
 * @param oldBuckets main buckets of the old array during a grow, else 0
 * @param nevacuate the evacuation cursor: every old bucket below it is evacuated
 * @param evacuated old buckets evacuated so far in the grow in progress
 * @param tombstones emptyOne slots in the table
 * @param seed the current hash seed
 */
public record Shape(int b, int count, int noverflow, int overflowBuckets, int preallocatedOverflow,
    boolean growing, boolean sameSizeGrow, int oldBuckets, int nevacuate, int evacuated,
    int tombstones, long seed) {

  /** The number of main buckets, 2^B. */
  public int buckets() {
    return 1 << b;
  }
}
