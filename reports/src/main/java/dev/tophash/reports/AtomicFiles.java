package dev.tophash.reports;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file through a temporary sibling ({@code name.tmp}) and an atomic rename, so a reader
 * never sees half a report (jHiccup's habit). Failures name the file and the cause.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes the content of a file. */
  @FunctionalInterface
  public interface Body<T> {
    /** Writes the whole content to {@code target}. */
    void writeTo(T target) throws IOException;
  }

  /**
   * Writes {@code text} as UTF-8 to {@code file} through a temporary file and an atomic rename,
   * encoded in one call: an ASCII string is then copied rather than passed char by char through
   * a charset encoder, which at a JVM's exit runs interpreted.
   */
  public static void writeString(Path file, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    writeBytes(file, new Body<OutputStream>() {
      @Override
      public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
      }
    });
  }

  /** Writes bytes to {@code file} through a temporary file and an atomic rename. */
  public static void writeBytes(Path file, Body<OutputStream> body) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        Files.createDirectories(parent);
      }
      try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp))) {
        body.writeTo(out);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the original failure is the one worth reporting
      }
      throw new IOException("cannot write " + file + ": " + describe(e), e);
    }
  }

  /** A one-line description of a failure: its message, or its type when it has none. */
  public static String describe(Throwable e) {
    String m = e.getMessage();
    String kind = e.getClass().getSimpleName();
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory (" + m + ")";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied (" + m + ")";
    }
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason() + " (" + fse.getFile() + ")";
    }
    return m == null || m.isEmpty() ? kind : m;
  }
}
