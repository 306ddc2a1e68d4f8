package dev.tophash.reports.hgrm;

import dev.tophash.map.Metric;
import dev.tophash.map.SiteSnapshot;
import dev.tophash.reports.AtomicFiles;
import dev.tophash.reports.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.HdrHistogram.Histogram;

/**
 * Writes {@code hgrm/}: one file per site and non-empty metric holding the text of HdrHistogram's
 * own {@code outputPercentileDistribution} (5 ticks per half distance, values unscaled, in the
 * metric's unit; produced by {@link PercentileText}, which writes the same characters faster), plus {@code index.txt} mapping each file to its site key, metric and unit.
 * The directory is replaced as a whole, so files of an earlier write do not linger.
 */
public final class HgrmWriter {
  /** Longest part of a file name taken from the site key. */
  static final int MAX_STEM = 120;
  /** Percentile ticks per half distance. */
  static final int TICKS = 5;

  private HgrmWriter() {}

  /**
   * Writes the files of {@code report} as the directory {@code dir}: everything goes into a fresh
   * {@code dir.tmp} first, which then replaces {@code dir} by renames (the old one is moved
   * aside to {@code dir.old} and deleted), so a reader sees either the old set or the new one.
   */
  public static void write(Report report, Path dir) throws IOException {
    Path staging = dir.resolveSibling(dir.getFileName() + ".tmp");
    Path old = dir.resolveSibling(dir.getFileName() + ".old");
    try {
      deleteTree(staging);
      Files.createDirectories(staging);
      StringBuilder index = new StringBuilder("# file\tsite key\tmetric\tunit\n");
      PercentileText distribution = null; // made for the first file: it sets up a Formatter
      StringBuilder text = new StringBuilder();
      for (SiteSnapshot s : report.sites()) {
        for (Metric m : Metric.values()) {
          Histogram h = s.histogram(m);
          if (h.getTotalCount() == 0) {
            continue;
          }
          String name = fileName(s.site().key(), m);
          index.append(name).append('\t').append(s.site().key()).append('\t').append(m.tag())
              .append('\t').append(m.unit()).append('\n');
          text.setLength(0);
          if (distribution == null) {
            distribution = new PercentileText(TICKS);
          }
          distribution.append(h, text);
          Files.writeString(staging.resolve(name), text, StandardCharsets.UTF_8);
        }
      }
      Files.writeString(staging.resolve("index.txt"), index, StandardCharsets.UTF_8);
      deleteTree(old);
      if (Files.exists(dir)) {
        Files.move(dir, old);
      }
      Files.move(staging, dir);
      deleteTree(old);
    } catch (IOException | RuntimeException e) {
      try {
        deleteTree(staging);
      } catch (IOException ignored) {
        // the original failure is the one worth reporting
      }
      throw new IOException("cannot write " + dir + ": " + AtomicFiles.describe(e), e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
        for (Path c : children) {
          deleteTree(c);
        }
      }
    }
    Files.delete(p);
  }

  /**
   * The file name for one site's metric: the site key with every character outside
   * {@code [A-Za-z0-9._-]} replaced by {@code _} (cut to {@value #MAX_STEM} characters), a dash
   * and 8 hex digits of the key's CRC-32 (so keys that sanitize alike stay apart), the metric tag
   * and {@code .hgrm}. Example: {@code com.example.Cache_load_42-8c3e0747.probe.hit.hgrm}.
   */
  public static String fileName(String siteKey, Metric m) {
    StringBuilder stem = new StringBuilder();
    for (int i = 0; i < siteKey.length() && stem.length() < MAX_STEM; i++) {
      char c = siteKey.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '-' || c == '_';
      stem.append(ok ? c : '_');
    }
    CRC32 crc = new CRC32();
    crc.update(siteKey.getBytes(StandardCharsets.UTF_8));
    String hex = Long.toHexString(crc.getValue()); // what %08x writes, without a Formatter
    return stem + "-" + "00000000".substring(hex.length()) + hex + "." + m.tag() + ".hgrm";
  }
}
