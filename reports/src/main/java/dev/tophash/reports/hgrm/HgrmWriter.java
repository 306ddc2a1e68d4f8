package dev.tophash.reports.hgrm;

import dev.tophash.map.Metric;
import dev.tophash.map.SiteSnapshot;
import dev.tophash.reports.AtomicFiles;
import dev.tophash.reports.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;
import org.HdrHistogram.Histogram;

/**
 * Writes {@code hgrm/}: one file per site and non-empty metric holding HdrHistogram's own
 * {@code outputPercentileDistribution} (5 ticks per half distance, values unscaled, in the
 * metric's unit), plus {@code index.txt} mapping each file to its site key, metric and unit.
 * Files of an earlier write that are no longer produced are removed.
 */
public final class HgrmWriter {
  /** Longest part of a file name taken from the site key. */
  static final int MAX_STEM = 120;

  private HgrmWriter() {}

  /** Writes the files of {@code report} into {@code dir} (created if needed). */
  public static void write(Report report, Path dir) throws IOException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IOException("cannot create " + dir + ": " + AtomicFiles.describe(e), e);
    }
    Set<String> written = new HashSet<>();
    StringBuilder index = new StringBuilder("# file\tsite key\tmetric\tunit\n");
    for (SiteSnapshot s : report.sites()) {
      for (Metric m : Metric.values()) {
        Histogram h = s.histogram(m);
        if (h.getTotalCount() == 0) {
          continue;
        }
        String name = fileName(s.site().key(), m);
        written.add(name);
        index.append(name).append('\t').append(s.site().key()).append('\t').append(m.tag())
            .append('\t').append(m.unit()).append('\n');
        AtomicFiles.writeBytes(dir.resolve(name), out -> {
          PrintStream ps = new PrintStream(out, false, StandardCharsets.UTF_8);
          h.outputPercentileDistribution(ps, 5, 1.0);
          ps.flush();
        });
      }
    }
    written.add("index.txt");
    AtomicFiles.writeText(dir.resolve("index.txt"), w -> w.write(index.toString()));
    try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*.hgrm")) {
      for (Path p : old) {
        if (!written.contains(p.getFileName().toString())) {
          Files.deleteIfExists(p);
        }
      }
    }
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
    return stem + "-" + String.format(Locale.US, "%08x", crc.getValue()) + "." + m.tag() + ".hgrm";
  }
}
