package dev.tophash.map;

/**
 * How maps record: on or off, and the sampling rates. Set once by the agent before the
 * application allocates maps; a map reads the configuration when it is constructed, so a change
 * applies to maps allocated afterwards.
 *
 * <p>Defaults: recording on, every operation of every map, races counted but not thrown.
 */
public final class Recording {
  private static volatile boolean enabled = true;
  private static volatile int opSample = 1;
  private static volatile int mapSample = 1;
  private static volatile boolean racesThrow;

  private Recording() {}

  /**
   * Configures recording for maps allocated from now on.
   *
   * @param on whether maps record at all; off costs one null check per operation
   * @param operationSample record 1 in this many operations of a tracked map (≥ 1), each whole:
   *     its probe, a delete's tombstone sample, a write's evacuation step (grow totals and
   *     per-map figures are recorded whatever the rate)
   * @param mapSampleRate track 1 in this many maps per site (≥ 1); while recording is on, the
   *     maps not tracked keep HashMap's own algorithm and sizing and record nothing
   * @param throwOnRace whether a detected concurrent write throws
   *     {@link java.util.ConcurrentModificationException} (Go's "concurrent map writes")
   */
  public static void configure(boolean on, int operationSample, int mapSampleRate,
      boolean throwOnRace) {
    if (operationSample < 1 || mapSampleRate < 1) {
      throw new IllegalArgumentException("sampling rates must be >= 1, got operations 1 in "
          + operationSample + ", maps 1 in " + mapSampleRate);
    }
    opSample = operationSample;
    mapSample = mapSampleRate;
    racesThrow = throwOnRace;
    enabled = on;
  }

  /** Whether maps allocated now record. */
  public static boolean enabled() { return enabled; }

  /** 1 in this many operations is recorded. */
  public static int opSample() { return opSample; }

  /** 1 in this many maps per site is tracked. */
  public static int mapSample() { return mapSample; }

  /** Whether a detected concurrent write throws. */
  public static boolean racesThrow() { return racesThrow; }
}
