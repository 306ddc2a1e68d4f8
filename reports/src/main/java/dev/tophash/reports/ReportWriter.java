package dev.tophash.reports;

import dev.tophash.map.ProfileSnapshot;
import dev.tophash.reports.text.SummaryText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes every report format into one directory, in {@link ReportFormat} order: {@code summary.txt}
 * first (cheapest, so a shutdown cut short still leaves it), then {@code report.json},
 * {@code report.html} and {@code hgrm/}. Each goes through a temporary name and an atomic rename.
 * The HTML plots the interval series of {@code intervals.hlog} when the directory holds one.
 */
public final class ReportWriter {
  /** The interval log's name inside a report directory (see {@link ReportFormat} for the rest). */
  public static final String HLOG = "intervals.hlog";

  private ReportWriter() {}

  /**
   * Writes summary.txt, report.json, report.html and hgrm/ into {@code dir} (created if needed),
   * each through a temporary name and an atomic rename.
   *
   * @throws IOException naming the file that could not be written and why
   */
  public static void write(Path dir, RunInfo run, ProfileSnapshot cumulative) throws IOException {
    write(dir, new Report(run, cumulative));
  }

  /** Writes every format of {@code report} into {@code dir}. */
  public static void write(Path dir, Report report) throws IOException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IOException("cannot create report directory " + dir + ": "
          + AtomicFiles.describe(e), e);
    }
    Report page = report;
    if (report.intervals().isEmpty() && Files.isRegularFile(dir.resolve(HLOG))) {
      try {
        page = report.withIntervals(IntervalSeries.read(dir.resolve(HLOG)));
      } catch (IOException | RuntimeException e) {
        page = report; // the page is still worth writing without its time series
      }
    }
    String text = SummaryText.render(report);
    for (ReportFormat f : ReportFormat.values()) {
      f.write(f == ReportFormat.HTML ? page : report, text, dir.resolve(f.fileName()));
    }
  }
}
