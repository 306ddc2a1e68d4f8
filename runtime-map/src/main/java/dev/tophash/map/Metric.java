package dev.tophash.map;

/**
 * The distributions recorded per allocation site, each kept as an HdrHistogram.
 *
 * <p><b>Probe length</b> ({@code probe.*}) is the number of slots whose tophash byte an operation
 * examined until it resolved: every slot compared against the key's tophash (matching or not,
 * occupied or empty) in every bucket visited, in the old array during a grow and along overflow
 * chains, up to and including the slot that resolved it (the matching slot, or the
 * {@code emptyRest} slot or chain end that proved a miss). A hit in the first slot of its bucket
 * has probe length 1. A lookup miss or an insert at a main bucket with no {@code emptyRest} slot
 * whose overflow filter lacks the key's tophash is proven by that bucket alone: probe length 8,
 * the chain not walked (Go would walk it; what is recorded is the work this map did). <b>False positives</b> ({@code falsepos.*}) are the full {@code equals}
 * calls that returned false: slots whose tophash matched but whose key did not.
 */
public enum Metric {
  /** Slots examined by lookups that found their key ({@code get}, {@code containsKey}, ...). */
  PROBE_HIT("probe.hit", "slots", true),
  /** Slots examined by lookups and removes that did not find their key. */
  PROBE_MISS("probe.miss", "slots", true),
  /** Slots examined by writes that inserted a new key. */
  PROBE_INSERT("probe.insert", "slots", true),
  /** Slots examined by writes that found their key and replaced its value. */
  PROBE_UPDATE("probe.update", "slots", true),
  /** Slots examined by removes that found and deleted their key. */
  PROBE_DELETE("probe.delete", "slots", true),
  /** Tophash false positives (failed equals calls) of lookups that found their key. */
  FALSEPOS_HIT("falsepos.hit", "equals", true),
  /** Tophash false positives of lookups and removes that did not find their key. */
  FALSEPOS_MISS("falsepos.miss", "equals", true),
  /** Tophash false positives of inserts. */
  FALSEPOS_INSERT("falsepos.insert", "equals", true),
  /** Tophash false positives of updates. */
  FALSEPOS_UPDATE("falsepos.update", "equals", true),
  /** Tophash false positives of deletes. */
  FALSEPOS_DELETE("falsepos.delete", "equals", true),
  /** Tombstones (emptyOne slots) live in the table, sampled at every delete and every grow start. */
  TOMBSTONES("tombstones.count", "slots", false),
  /** Tombstones per mille of occupied-or-deleted slots, sampled with {@link #TOMBSTONES}. */
  TOMBSTONE_PERMILLE("tombstones.permille", "permille", false),
  /** Tombstones dropped by each write's evacuation step (the up to two old buckets it moved). */
  EVAC_RECLAIMED("evac.reclaimed", "slots", false),
  /** Nanoseconds spent in each write's evacuation step. */
  EVAC_STEP_NANOS("evac.step.ns", "ns", false),
  /** Nanoseconds to start a grow: allocating the new bucket arrays. */
  GROW_START_NANOS("grow.start.ns", "ns", false),
  /** Nanoseconds from a grow's start to the write that finished its evacuation. */
  GROW_TOTAL_NANOS("grow.total.ns", "ns", false),
  /** Writes from a grow's start to its completion, the triggering write included. */
  GROW_WRITES("grow.writes", "writes", false),
  /** Overflow buckets ({@code noverflow}) when a grow started. */
  GROW_OVERFLOW("grow.overflow", "buckets", false),
  /** Per map, the largest size it reached, as the power of two at or below it. */
  PEAK_SIZE("map.peak", "entries", false),
  /** Per map, its current log2 bucket count B. */
  FINAL_B("map.B", "B", false),
  /** Per map, the capacity hint given at construction (maps built with a hint only). */
  HINT("map.hint", "entries", false),
  /** impl=hashmap only: nanoseconds of the puts that crossed HashMap's resize threshold. */
  RESIZE_NANOS("resize.ns", "ns", false),
  /**
   * Nanoseconds of each get, put or remove of a map that handed its entries to HashMap's tree bins
   * after hash flooding by keys other than Strings (no probe lengths are known in that mode).
   */
  DELEGATED_NANOS("delegated.ns", "ns", false);

  private final String tag;
  private final String unit;
  private final boolean probe;

  Metric(String tag, String unit, boolean probe) {
    this.tag = tag;
    this.unit = unit;
    this.probe = probe;
  }

  /** The stable name used in reports and hlog tags ({@code site.metric}). */
  public String tag() { return tag; }

  /** The unit of recorded values ({@code slots}, {@code ns}, ...). */
  public String unit() { return unit; }

  /** Whether this is a per-operation probe distribution (probe length or false positives). */
  public boolean isProbe() { return probe; }

  /** Whether this distribution describes maps rather than events, so intervals do not apply. */
  public boolean isPerMap() { return this == PEAK_SIZE || this == FINAL_B; }

  /** The metric with the given tag, or null. */
  public static Metric byTag(String tag) {
    for (Metric m : values()) {
      if (m.tag.equals(tag)) {
        return m;
      }
    }
    return null;
  }
}
