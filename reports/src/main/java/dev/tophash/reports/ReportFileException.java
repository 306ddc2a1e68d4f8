package dev.tophash.reports;

import java.io.IOException;
import java.nio.file.Path;

/** A report file that cannot be used: missing, truncated, not ours, or of an unsupported schema. */
public final class ReportFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /** A problem with {@code file}, described in words a user can act on. */
  public ReportFileException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
