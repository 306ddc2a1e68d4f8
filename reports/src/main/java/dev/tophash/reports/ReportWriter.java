package dev.tophash.reports;

import dev.tophash.map.ProfileSnapshot;
import java.io.IOException;
import java.nio.file.Path;

/** Writes every report format into one directory. STUB: the reports module fills this in. */
public final class ReportWriter {
  private ReportWriter() {}

  /**
   * Writes summary.txt, report.json, hgrm/ and report.html into {@code dir} (created if needed),
   * each through a temporary file and an atomic rename.
   */
  public static void write(Path dir, RunInfo run, ProfileSnapshot cumulative) throws IOException {
    throw new UnsupportedOperationException("not yet");
  }
}
