package dev.tophash.reports;

import dev.tophash.map.ProfileSnapshot;
import dev.tophash.reports.hgrm.HgrmWriter;
import dev.tophash.reports.html.HtmlReport;
import dev.tophash.reports.json.JsonReport;
import dev.tophash.reports.text.SummaryText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes every report format into one directory: {@code summary.txt} first (cheapest, so a
 * shutdown cut short still leaves it), then {@code report.json}, {@code hgrm/} and
 * {@code report.html}. Each file goes through a temporary name and an atomic rename. The HTML
 * plots the interval series of {@code intervals.hlog} when the directory holds one.
 */
public final class ReportWriter {
  /** The file names inside a report directory. */
  public static final String SUMMARY = "summary.txt";
  public static final String JSON = "report.json";
  public static final String HGRM = "hgrm";
  public static final String HTML = "report.html";
  public static final String HLOG = "intervals.hlog";

  private ReportWriter() {}

  /**
   * Writes summary.txt, report.json, hgrm/ and report.html into {@code dir} (created if needed),
   * each through a temporary file and an atomic rename.
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
    String text = SummaryText.render(report);
    AtomicFiles.writeText(dir.resolve(SUMMARY), w -> w.write(text));
    AtomicFiles.writeBytes(dir.resolve(JSON), out -> JsonReport.write(report, out));
    HgrmWriter.write(report, dir.resolve(HGRM));
    Report withSeries = report;
    if (report.intervals().isEmpty() && Files.isRegularFile(dir.resolve(HLOG))) {
      try {
        withSeries = report.withIntervals(IntervalSeries.read(dir.resolve(HLOG)));
      } catch (IOException | RuntimeException e) {
        withSeries = report; // the page is still worth writing without its time series
      }
    }
    Report page = withSeries;
    AtomicFiles.writeText(dir.resolve(HTML), w -> HtmlReport.writeReport(page, text, w));
  }
}
