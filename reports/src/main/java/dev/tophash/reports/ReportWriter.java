package dev.tophash.reports;

import dev.tophash.map.ProfileSnapshot;
import dev.tophash.reports.text.SummaryText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;

/**
 * Writes every report format into one directory on two threads: the calling thread writes
 * {@code summary.txt} (cheapest, so a shutdown cut short still leaves it) then
 * {@code report.html}, which embeds the same text; a helper thread meanwhile writes
 * {@code report.json} then {@code hgrm/}, which need nothing from the text. At a JVM's exit the
 * report is what the application waits for, and the cores are otherwise idle. Each file goes
 * through a temporary name and an atomic rename. A format that fails stops the formats after it
 * on its own thread; the failure reported is that of the first failing format in
 * {@link ReportFormat} order. The HTML plots the interval series of {@code intervals.hlog} when
 * the directory holds one.
 */
public final class ReportWriter {
  /** The interval log's name inside a report directory (see {@link ReportFormat} for the rest). */
  public static final String HLOG = "intervals.hlog";

  /**
   * The helper threads of the plain overloads: daemons, so a hung write never holds the JVM.
   * (Here and below, classes rather than lambdas: at a JVM's exit each lambda costs a class
   * spun through {@code java.lang.invoke}.)
   */
  private static final ThreadFactory DAEMONS = new ThreadFactory() {
    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "tophash-report-writer");
      t.setDaemon(true);
      return t;
    }
  };

  private ReportWriter() {}

  /**
   * Writes summary.txt, report.json, report.html and hgrm/ into {@code dir} (created if needed),
   * each through a temporary name and an atomic rename.
   *
   * @throws IOException naming the file that could not be written and why
   */
  public static void write(Path dir, RunInfo run, ProfileSnapshot cumulative) throws IOException {
    write(dir, new Report(run, cumulative), DAEMONS, true);
  }

  /**
   * As {@link #write(Path, RunInfo, ProfileSnapshot)}, with the helper thread made by
   * {@code threads} (the agent's keeps its transformer off the classes the writers load), and
   * {@code hgrm/} only when asked for: its file per site and metric is most of what a large
   * report costs at a JVM's exit, and {@code report --hgrm} makes it from report.json later.
   */
  public static void write(Path dir, RunInfo run, ProfileSnapshot cumulative,
      ThreadFactory threads, boolean hgrm) throws IOException {
    write(dir, new Report(run, cumulative), threads, hgrm);
  }

  /** Writes every format of {@code report} into {@code dir}. */
  public static void write(Path dir, Report report) throws IOException {
    write(dir, report, DAEMONS, true);
  }

  private static void write(Path dir, Report report, ThreadFactory threads, boolean hgrm)
      throws IOException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IOException("cannot create report directory " + dir + ": "
          + AtomicFiles.describe(e), e);
    }
    FutureTask<Void> side = new FutureTask<>(new Callable<Void>() {
      @Override
      public Void call() throws FormatFailure {
        if (hgrm) {
          writeInOrder(report, null, dir, ReportFormat.JSON, ReportFormat.HGRM);
        } else {
          writeInOrder(report, null, dir, ReportFormat.JSON);
        }
        return null;
      }
    });
    Thread helper;
    try {
      helper = threads.newThread(side);
      helper.start();
    } catch (RuntimeException | Error e) {
      helper = null; // no thread to be had: this one writes everything
    }
    FormatFailure failure = null;
    try {
      String text = SummaryText.render(report);
      writeInOrder(report, text, dir, ReportFormat.TEXT);
      writeInOrder(page(report, dir), text, dir, ReportFormat.HTML);
    } catch (FormatFailure f) {
      failure = f;
    }
    if (helper == null) {
      side.run();
    }
    try {
      side.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the report into " + dir, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      if (!(e.getCause() instanceof FormatFailure f)) {
        throw (RuntimeException) e.getCause();
      }
      failure = failure == null || f.format.ordinal() < failure.format.ordinal() ? f : failure;
    }
    if (failure != null) {
      throw (IOException) failure.getCause();
    }
  }

  /**
   * The report the page draws: with the interval series of {@code intervals.hlog} when the
   * directory holds one (and the report has none of its own).
   */
  private static Report page(Report report, Path dir) {
    if (report.intervals().isEmpty() && Files.isRegularFile(dir.resolve(HLOG))) {
      try {
        return report.withIntervals(IntervalSeries.read(dir.resolve(HLOG)));
      } catch (IOException | RuntimeException e) {
        return report; // the page is still worth writing without its time series
      }
    }
    return report;
  }

  /** Writes {@code formats} one after the other; the first failure stops them. */
  private static void writeInOrder(Report report, String text, Path dir, ReportFormat... formats)
      throws FormatFailure {
    for (ReportFormat f : formats) {
      try {
        f.write(report, text, dir.resolve(f.fileName()));
      } catch (IOException e) {
        throw new FormatFailure(f, e);
      }
    }
  }

  /** The failure of one format, carried across threads to be reported in format order. */
  private static final class FormatFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final transient ReportFormat format;

    FormatFailure(ReportFormat format, IOException cause) {
      super(cause);
      this.format = format;
    }
  }
}
