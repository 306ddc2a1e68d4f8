package dev.tophash.reports;

import dev.tophash.map.Metric;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteSnapshot;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * An HdrHistogram interval log (format 1.3), one tagged line per site and metric per interval,
 * written by HdrHistogram's own {@link HistogramLogWriter} so that {@code HistogramLogReader},
 * {@code HistogramLogProcessor} and HistogramLogAnalyzer read it.
 *
 * <p>Layout: a comment naming the tag form, {@code #[StartTime: ...]}, {@code #[BaseTime: ...]},
 * the legend, then per interval one line per site and metric that recorded something in it.
 * Timestamps are seconds since BaseTime (the recording start). Tags are
 * {@code <site key>.<metric>} as defined by {@link HlogTags}. The "Interval_Max" column is in the
 * metric's own unit (slots, ns, ...): the writer's max-value ratio is 1. Per-map metrics
 * ({@code map.peak}, {@code map.B}) describe maps, not intervals, and are left out.
 */
public final class IntervalLog implements Closeable {
  private final Path file;
  private final PrintStream out;
  private final HistogramLogWriter writer;
  private final long baseMillis;

  /** Opens (creates or truncates) the log; {@code startEpochMillis} becomes its StartTime and BaseTime. */
  public IntervalLog(Path file, long startEpochMillis) throws IOException {
    this.file = file;
    this.baseMillis = startEpochMillis;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      out = new PrintStream(new BufferedOutputStream(Files.newOutputStream(file)), false,
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException("cannot write " + file + ": " + AtomicFiles.describe(e), e);
    }
    writer = new HistogramLogWriter(out);
    writer.outputComment("tophash interval log; tags are <site key>.<metric>, site key "
        + "percent-encoded; Interval_Max in the metric's unit");
    writer.outputLogFormatVersion();
    writer.outputStartTime(startEpochMillis);
    writer.setBaseTime(startEpochMillis);
    writer.outputBaseTime(startEpochMillis);
    writer.outputLegend();
    check();
  }

  /** Appends one interval snapshot ({@link ProfileSnapshot#isInterval()}) and flushes. */
  public synchronized void append(ProfileSnapshot interval) throws IOException {
    double start = (interval.startEpochMillis() - baseMillis) / 1000.0;
    double end = (interval.endEpochMillis() - baseMillis) / 1000.0;
    for (SiteSnapshot site : interval.sites()) {
      for (Metric m : Metric.values()) {
        Histogram h = site.histogram(m);
        if (m.isPerMap() || h.getTotalCount() == 0) {
          continue;
        }
        Histogram tagged = h.copy();
        tagged.setTag(HlogTags.tag(site.site().key(), m));
        tagged.setStartTimeStamp(interval.startEpochMillis());
        tagged.setEndTimeStamp(interval.endEpochMillis());
        writer.outputIntervalHistogram(start, end, tagged, 1.0);
      }
    }
    out.flush();
    check();
  }

  @Override
  public synchronized void close() throws IOException {
    out.flush();
    check();
    out.close();
  }

  /** The log's file. */
  public Path file() { return file; }

  private void check() throws IOException {
    if (out.checkError()) {
      throw new IOException("cannot write " + file + ": write failed (disk full or file gone?)");
    }
  }
}
