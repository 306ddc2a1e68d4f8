package dev.tophash.reports;

import dev.tophash.map.ProfileSnapshot;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/** An HdrHistogram interval log (format 1.3), one tagged line per site and metric per interval. STUB. */
public final class IntervalLog implements Closeable {
  /** Opens (creates or truncates) the log; {@code startEpochMillis} becomes its StartTime and BaseTime. */
  public IntervalLog(Path file, long startEpochMillis) throws IOException {
  }

  /** Appends one interval snapshot ({@link ProfileSnapshot#isInterval()}). */
  public void append(ProfileSnapshot interval) throws IOException {
  }

  @Override
  public void close() throws IOException {
  }
}
