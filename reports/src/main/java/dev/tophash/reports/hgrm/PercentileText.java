package dev.tophash.reports.hgrm;

import dev.tophash.reports.Hist;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Formatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The text of HdrHistogram's {@code outputPercentileDistribution(out, ticks, 1.0)}, character for
 * character, for a fraction of its cost.
 *
 * <p>HdrHistogram runs every line through {@link java.util.Formatter}; a report of a large
 * application has hundreds of these files of about twenty lines each, and formatting them was
 * most of the time the report took at exit (measured: 0.2 to 0.35 s for Groovy's 363 files). Here
 * the value and count columns are integers written directly (a value of this report's
 * histograms is a {@code long}, unscaled, so its {@code %12.Nf} is its digits, a point and N
 * zeros), and the two percentile columns come from a cache keyed by the percentile level: every
 * histogram walks the same levels, so the formatter runs about once per level for a whole report.
 * Still formatted each time: the mean and standard deviation line. The bucket line, which needs
 * the histogram's internal bucket counts, is taken from HdrHistogram's own output once per
 * histogram shape. Values a {@code double} cannot hold exactly go through the formatter as
 * HdrHistogram does. {@code PercentileTextTest} compares the output with HdrHistogram's on every
 * JDK the build runs on.
 *
 * <p>One instance per report; not thread-safe, but it only reads the histograms (the mean and
 * standard deviation through {@link Hist}), so other writers may read them meanwhile.
 */
final class PercentileText {
  /** Values below this are exact as a {@code double}, and print as their digits. */
  private static final long EXACT_LIMIT = 1L << 53;
  private static final String HEADER = String.format(Locale.US, "%12s %14s %10s %14s\n\n",
      "Value", "Percentile", "TotalCount", "1/(1-Percentile)");

  private final int ticks;
  private final StringBuilder scratch = new StringBuilder();
  private final Formatter formatter = new Formatter(scratch, Locale.US);
  /** Percentile level (0..100) to its {@code %2.12f} and {@code %14.2f} columns. */
  private final Map<Double, String[]> levels = new HashMap<>();
  /** Histogram shape to its last line, {@code #[Buckets = ..., SubBuckets = ...]}. */
  private final Map<String, String> bucketLines = new HashMap<>();

  /**
   * @param ticks percentile ticks per half distance, as {@code outputPercentileDistribution}
   */
  PercentileText(int ticks) {
    this.ticks = ticks;
  }

  /** Appends the distribution of a non-empty {@code h} to {@code out}. */
  void append(Histogram h, StringBuilder out) {
    int digits = h.getNumberOfSignificantValueDigits();
    out.append(HEADER);
    for (HistogramIterationValue v : h.percentiles(ticks)) {
      double level = v.getPercentileLevelIteratedTo();
      String[] cols = levelColumns(level);
      value(v.getValueIteratedTo(), digits, out);
      out.append(' ').append(cols[0]).append(' ');
      pad(Long.toString(v.getTotalCountToThisValue()), 10, out);
      if (level != 100.0D) {
        out.append(' ').append(cols[1]);
      }
      out.append('\n');
    }
    scratch.setLength(0);
    formatter.format("#[Mean    = %12." + digits + "f, StdDeviation   = %12." + digits + "f]\n",
        Hist.mean(h), Hist.stdDeviation(h));
    out.append(scratch);
    out.append("#[Max     = ");
    value(h.getMaxValue(), digits, out);
    out.append(", Total count    = ");
    pad(Long.toString(h.getTotalCount()), 12, out);
    out.append("]\n");
    out.append(bucketLine(h));
  }

  /** {@code %12.Nf} of a value divided by 1.0. */
  private void value(long value, int digits, StringBuilder out) {
    if (value < 0 || value >= EXACT_LIMIT) {
      scratch.setLength(0);
      formatter.format("%12." + digits + "f", value / 1.0D);
      out.append(scratch);
      return;
    }
    String s = Long.toString(value);
    for (int i = s.length() + (digits > 0 ? 1 + digits : 0); i < 12; i++) {
      out.append(' ');
    }
    out.append(s);
    if (digits > 0) {
      out.append('.');
      for (int i = 0; i < digits; i++) {
        out.append('0');
      }
    }
  }

  private static void pad(String s, int width, StringBuilder out) {
    for (int i = s.length(); i < width; i++) {
      out.append(' ');
    }
    out.append(s);
  }

  private String[] levelColumns(double level) {
    String[] cols = levels.get(level);
    if (cols == null) {
      scratch.setLength(0);
      formatter.format("%2.12f", level / 100.0D);
      String percentile = scratch.toString();
      scratch.setLength(0);
      formatter.format("%14.2f", 1 / (1.0D - (level / 100.0D)));
      cols = new String[] {percentile, scratch.toString()};
      levels.put(level, cols);
    }
    return cols;
  }

  /**
   * The last line of HdrHistogram's own output for histograms shaped like {@code h}: the bucket
   * counts follow from the lowest and highest trackable values and the precision, so an empty
   * histogram of that shape prints the same line, at the cost of the header and footer only.
   * Buckets are powers of two wide, so of the highest trackable value only its bit length counts
   * (auto-resizing histograms each end with a highest value of their own).
   */
  private String bucketLine(Histogram h) {
    String shape = h.getLowestDiscernibleValue() + "/"
        + (64 - Long.numberOfLeadingZeros(h.getHighestTrackableValue())) + "/"
        + h.getNumberOfSignificantValueDigits();
    String line = bucketLines.get(shape);
    if (line == null) {
      Histogram empty = new Histogram(h.getLowestDiscernibleValue(), h.getHighestTrackableValue(),
          h.getNumberOfSignificantValueDigits());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PrintStream ps = new PrintStream(bytes, false, StandardCharsets.UTF_8);
      empty.outputPercentileDistribution(ps, ticks, 1.0);
      ps.flush();
      String all = bytes.toString(StandardCharsets.UTF_8);
      line = all.substring(all.lastIndexOf('\n', all.length() - 2) + 1);
      bucketLines.put(shape, line);
    }
    return line;
  }
}
