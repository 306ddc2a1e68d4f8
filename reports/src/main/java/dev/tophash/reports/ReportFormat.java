package dev.tophash.reports;

import dev.tophash.reports.hgrm.HgrmWriter;
import dev.tophash.reports.html.HtmlReport;
import dev.tophash.reports.json.JsonReport;
import dev.tophash.reports.text.SummaryText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The formats of a report directory, in order of importance: the text (cheapest and most read),
 * the JSON (everything, for the tools), the page, and last {@code hgrm/} (one file per site and
 * metric, redundant with the JSON). {@link ReportWriter} writes the text then the page on one
 * thread and the JSON then {@code hgrm/} on another, so a shutdown cut short loses the least, and
 * reports the failure of the first format in this order. (The interval log is written while the
 * application runs, by {@link IntervalLog}.)
 */
public enum ReportFormat {
  /** {@code summary.txt}: the ranked sites and their advice. */
  TEXT("summary.txt") {
    @Override
    void write(Report report, String summary, Path target) throws IOException {
      AtomicFiles.writeString(target, summary);
    }
  },
  /** {@code report.json}: everything, histograms whole. */
  JSON("report.json") {
    @Override
    void write(Report report, String summary, Path target) throws IOException {
      AtomicFiles.writeBytes(target, new AtomicFiles.Body<OutputStream>() {
        @Override
        public void writeTo(OutputStream out) throws IOException {
          JsonReport.write(report, out);
        }
      });
    }
  },
  /** {@code report.html}: one self-contained page. */
  HTML("report.html") {
    @Override
    void write(Report report, String summary, Path target) throws IOException {
      AtomicFiles.writeString(target, HtmlReport.page(report, summary));
    }
  },
  /** {@code hgrm/}: one percentile distribution per site and metric. */
  HGRM("hgrm") {
    @Override
    void write(Report report, String summary, Path target) throws IOException {
      HgrmWriter.write(report, target);
    }
  };

  private final String fileName;

  ReportFormat(String fileName) {
    this.fileName = fileName;
  }

  /** The file (or directory) name inside a report directory. */
  public String fileName() { return fileName; }

  /** Writes this format of {@code report} to {@code target}; {@code summary} is its rendered text. */
  abstract void write(Report report, String summary, Path target) throws IOException;

  /** Writes this format of {@code report} into the report directory {@code dir}. */
  public void writeInto(Report report, Path dir) throws IOException {
    write(report, SummaryText.render(report), dir.resolve(fileName));
  }
}
