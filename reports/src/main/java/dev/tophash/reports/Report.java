package dev.tophash.reports;

import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteSnapshot;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One report: the run and its cumulative snapshot, plus optionally the interval series that the
 * HTML page plots. This is what every writer renders and what {@code report.json} reads back to.
 */
public final class Report {
  /** The schema written into, and accepted from, {@code report.json}. */
  public static final String SCHEMA = "tophash-report/1";

  private final RunInfo run;
  private final ProfileSnapshot snapshot;
  private final IntervalSeries intervals;
  /** The ranked analyses, computed once for the text and the page. */
  private List<SiteAnalysis> ranked;

  /** A report with no interval series. */
  public Report(RunInfo run, ProfileSnapshot snapshot) {
    this(run, snapshot, IntervalSeries.empty());
  }

  /** A report whose HTML also plots {@code intervals}. */
  public Report(RunInfo run, ProfileSnapshot snapshot, IntervalSeries intervals) {
    this.run = Objects.requireNonNull(run, "run");
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    this.intervals = Objects.requireNonNull(intervals, "intervals");
  }

  /** The run. */
  public RunInfo run() { return run; }

  /** The cumulative snapshot. */
  public ProfileSnapshot snapshot() { return snapshot; }

  /** The interval time series; may be empty. */
  public IntervalSeries intervals() { return intervals; }

  /** The same report with {@code series} for its time series. */
  public Report withIntervals(IntervalSeries series) {
    Report r = new Report(run, snapshot, series);
    synchronized (this) {
      r.ranked = ranked;
    }
    return r;
  }

  /**
   * The sites with any recording, most costly first ({@link SiteAnalysis#ranked}); analysed at
   * the first call and shared by the writers that rank (the text and the page).
   */
  public synchronized List<SiteAnalysis> ranked() {
    if (ranked == null) {
      ranked = Collections.unmodifiableList(SiteAnalysis.ranked(snapshot));
    }
    return ranked;
  }

  /** The sites of the snapshot. */
  public List<SiteSnapshot> sites() { return snapshot.sites(); }
}
