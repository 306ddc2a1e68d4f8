package dev.tophash.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
