package dev.tophash.map;

import java.util.List;

/**
 * A consistent view of every site's recordings at one moment: either cumulative since recording
 * started, or one interval since the previous interval snapshot.
 */
public final class ProfileSnapshot {
  private final long startEpochMillis;
  private final long endEpochMillis;
  private final boolean interval;
  private final int opSample;
  private final int mapSample;
  private final List<SiteSnapshot> sites;

  /**
   * Creates a snapshot covering {@code [startEpochMillis, endEpochMillis]}.
   *
   * @param opSample 1 when every operation was recorded, N when 1 in N was
   * @param mapSample 1 when every map was tracked, N when 1 in N per site was
   */
  public ProfileSnapshot(long startEpochMillis, long endEpochMillis, boolean interval,
      int opSample, int mapSample, List<SiteSnapshot> sites) {
    this.startEpochMillis = startEpochMillis;
    this.endEpochMillis = endEpochMillis;
    this.interval = interval;
    this.opSample = opSample;
    this.mapSample = mapSample;
    this.sites = List.copyOf(sites);
  }

  /** When the covered period started (recording start, or the previous interval's end). */
  public long startEpochMillis() { return startEpochMillis; }

  /** When this snapshot was taken. */
  public long endEpochMillis() { return endEpochMillis; }

  /** Whether this covers one interval rather than everything since recording started. */
  public boolean isInterval() { return interval; }

  /** Operation sampling: 1 in this many operations of a tracked map was recorded. */
  public int opSample() { return opSample; }

  /** Map sampling: 1 in this many maps per site was tracked. */
  public int mapSample() { return mapSample; }

  /** Every site registered so far, by id; sites that recorded nothing are included. */
  public List<SiteSnapshot> sites() { return sites; }
}
