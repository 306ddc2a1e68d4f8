package dev.tophash.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written formats of {@link Fmt} write what the JDK's formatters write. */
class FmtTest {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'", Locale.US).withZone(ZoneOffset.UTC);
  private static final long YEAR_10000 = 253_402_300_800_000L;
  private static final int RANDOM_VALUES = 200_000;

  @Test
  void timeIsTheDateTimeFormatterPattern() {
    long[] edges = {1, 999, 86_399_999, 86_400_000, 951_782_400_000L, 951_868_799_999L,
        4_107_542_400_000L, YEAR_10000 - 1, YEAR_10000, Long.MAX_VALUE};
    for (long ms : edges) {
      assertEquals(TIME.format(Instant.ofEpochMilli(ms)), Fmt.time(ms), Long.toString(ms));
    }
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < RANDOM_VALUES; i++) {
      long ms = r.nextLong(1, YEAR_10000 + YEAR_10000 / 10);
      assertEquals(TIME.format(Instant.ofEpochMilli(ms)), Fmt.time(ms), Long.toString(ms));
    }
    assertEquals("-", Fmt.time(0));
  }

  @Test
  void countIsGroupedDecimal() {
    long[] edges = {0, 1, -1, 999, -999, 1000, -1000, 999_999, 1_000_000, Long.MAX_VALUE,
        Long.MIN_VALUE};
    for (long n : edges) {
      assertEquals(String.format(Locale.US, "%,d", n), Fmt.count(n), Long.toString(n));
    }
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < RANDOM_VALUES; i++) {
      long n = r.nextLong() >> r.nextInt(64);
      assertEquals(String.format(Locale.US, "%,d", n), Fmt.count(n), Long.toString(n));
    }
  }

  @Test
  void seconds3IsThreeDecimalsOfTheQuotient() {
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < RANDOM_VALUES; i++) {
      long ms = i < RANDOM_VALUES / 2 ? i : r.nextLong() >> r.nextInt(64);
      if (i % 4 == 1) {
        ms = 999_999_999_000_000L + r.nextInt(2_000_000); // around the exact range's end
      }
      assertEquals(String.format(Locale.US, "%.3f", ms / 1000.0), Fmt.seconds3(ms),
          Long.toString(ms));
    }
  }

  @Test
  void formatsAsStringFormatDoes() {
    String[] formats = {"%.0f", "%.1f", "%.2f", "%.3f", "%,.0f", "%,.2f", "%.0fns", "%.1f%%",
        "%.2fx", "x%sy%dz%.2f", "%,d"};
    double[] edges = {0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, -0.125, 1.005, 0.045, 2.675,
        0.05, 0.15, 0.25, 0.35, 999.5, 999.95, 9.995, 1234567.5, 12345.675, 1e-300, -1e-300,
        4.35, 1e14 + 0.5, 1e15, 1e16, 1e300, Double.MIN_VALUE, Double.MAX_VALUE,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.001, -0.004, -0.005};
    for (double v : edges) {
      for (String f : formats) {
        assertSameAsFormatter(f, v);
      }
    }
    SplittableRandom r = new SplittableRandom(11);
    int quick = 0;
    for (int i = 0; i < RANDOM_VALUES; i++) {
      double v;
      switch (i % 4) {
        case 0 -> v = r.nextDouble() * Math.pow(10, r.nextInt(-4, 16)); // any value
        case 1 -> v = r.nextLong(-2_000_000, 2_000_000) / 1000.0; // decimal-looking, many ties
        case 2 -> v = r.nextLong(-1 << 20, 1 << 20) / (double) (1 << r.nextInt(12)); // exact ties
        default -> v = Math.nextAfter(r.nextLong(-100_000, 100_000) / 200.0,
            r.nextBoolean() ? 1e9 : -1e9); // an ulp from a tie
      }
      assertSameAsFormatter(formats[i % formats.length], v);
      quick += Fmt.quick(formats[i % formats.length], args(formats[i % formats.length], v)) != null
          ? 1 : 0;
    }
    // the formatter is the exception, not the rule: only values at a tie go to it
    assertTrue(quick > RANDOM_VALUES * 0.8, quick + " of " + RANDOM_VALUES + " written by Fmt");
    assertEquals("1,234.57 ms, 5 of 6 (7%)", Fmt.quick("%,.2f ms, %d of %s (%.0f%%)",
        new Object[] {1234.5678, 5, "6", 7.0}));
    assertNull(Fmt.quick("%12s", new Object[] {"x"}), "widths go to the formatter");
  }

  private static void assertSameAsFormatter(String format, double v) {
    Object[] args = args(format, v);
    assertEquals(String.format(Locale.US, format, args), Fmt.f(format, args),
        () -> format + " of " + v);
  }

  private static Object[] args(String format, double v) {
    return format.startsWith("x") ? new Object[] {"s", (long) v, v}
        : format.endsWith("d") ? new Object[] {(long) v} : new Object[] {v};
  }
}
