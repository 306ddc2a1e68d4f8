package dev.tophash.map;

/** The plain counts recorded per allocation site. */
public enum Counter {
  /** Maps allocated at the site. */
  MAPS("maps"),
  /** Maps whose operations are recorded (all of them unless map sampling is on). */
  MAPS_TRACKED("mapsTracked"),
  /** Lookups recorded ({@code get}, {@code containsKey}, {@code getOrDefault}, ...). */
  LOOKUPS("lookups"),
  /** Writes that inserted a new key. */
  INSERTS("inserts"),
  /** Writes that replaced the value of an existing key. */
  UPDATES("updates"),
  /** Removes that deleted a key. */
  DELETES("deletes"),
  /** Removes of keys that were absent. */
  DELETE_MISSES("deleteMisses"),
  /** {@code clear()} calls on non-empty maps. */
  CLEARS("clears"),
  /** Doubling grows started. */
  DOUBLING_GROWS("doublingGrows"),
  /** Same-size grows started (overflow buckets piled up: Go's churn signature). */
  SAME_SIZE_GROWS("sameSizeGrows"),
  /** Overflow buckets handed out (preallocated spares included). */
  OVERFLOW_BUCKETS("overflowBuckets"),
  /** Writes that found another write in progress on the same map (best effort). */
  CONCURRENT_WRITES("concurrentWrites"),
  /** Inserts that probed more than 64 slots of keys sharing one tophash (colliding hash codes). */
  LONG_PROBES("longProbes"),
  /** impl=hashmap only: puts that crossed HashMap's resize threshold. */
  RESIZES("resizes"),
  /**
   * Maps that switched to a collision-resistant mode after an insert probed a chain of keys with
   * equal hash codes longer than the limit (a seeded content hash for String keys, HashMap's own
   * tree bins for others): possible hash flooding.
   */
  FLOODING("hashFlooding");

  private final String tag;

  Counter(String tag) {
    this.tag = tag;
  }

  /** The stable name used in reports. */
  public String tag() { return tag; }

  /** The counter with the given tag, or null. */
  public static Counter byTag(String tag) {
    for (Counter c : values()) {
      if (c.tag.equals(tag)) {
        return c;
      }
    }
    return null;
  }
}
