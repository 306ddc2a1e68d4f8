package dev.tophash.reports.hgrm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tophash.map.SiteSnapshot;
import dev.tophash.reports.Hist;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * {@link PercentileText} writes exactly what HdrHistogram's {@code outputPercentileDistribution}
 * writes, and {@link Hist#mean}, {@link Hist#stdDeviation} compute exactly HdrHistogram's figures.
 */
class PercentileTextTest {
  /** One instance for every case, so that its caches are exercised across histograms. */
  private final PercentileText text = new PercentileText(HgrmWriter.TICKS);

  private void assertSameAsHdrHistogram(Histogram h) {
    // the thread-safe mean and deviation that the writers use instead of HdrHistogram's own
    assertEquals(h.getMean(), Hist.mean(h));
    assertEquals(h.getStdDeviation(), Hist.stdDeviation(h));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(bytes, false, StandardCharsets.UTF_8);
    h.outputPercentileDistribution(ps, HgrmWriter.TICKS, 1.0);
    ps.flush();
    StringBuilder mine = new StringBuilder();
    text.append(h, mine);
    assertEquals(bytes.toString(StandardCharsets.UTF_8), mine.toString());
  }

  @Test
  void smallCounts() {
    SplittableRandom r = new SplittableRandom(1);
    for (int round = 0; round < 200; round++) {
      Histogram h = SiteSnapshot.newHistogram();
      int n = 1 + r.nextInt(round < 20 ? 3 : 5_000);
      for (int i = 0; i < n; i++) {
        h.recordValue(1 + r.nextInt(1 + r.nextInt(64)));
      }
      assertSameAsHdrHistogram(h);
    }
  }

  @Test
  void logUniformValuesUpToTheLargest() {
    SplittableRandom r = new SplittableRandom(2);
    for (int round = 0; round < 200; round++) {
      Histogram h = SiteSnapshot.newHistogram();
      int maxBits = 1 + r.nextInt(61);
      int n = 1 + r.nextInt(2_000);
      for (int i = 0; i < n; i++) {
        int bits = r.nextInt(maxBits + 1);
        h.recordValueWithCount(bits == 0 ? 0 : r.nextLong(1L << (bits - 1), 1L << bits),
            1 + r.nextInt(r.nextInt(3) == 0 ? 1_000_000 : 3));
      }
      assertSameAsHdrHistogram(h);
    }
  }

  @Test
  void singleValuesAndOtherPrecisions() {
    long[] values = {0, 1, 2, 7, 100, 999, 1_000, 123_456, 9_007_199_254_740_991L,
        9_007_199_254_740_993L, Long.MAX_VALUE / 2};
    for (long v : values) {
      Histogram h = SiteSnapshot.newHistogram();
      h.recordValue(v);
      assertSameAsHdrHistogram(h);
    }
    for (int digits = 0; digits <= 5; digits++) {
      Histogram h = new Histogram(3_600_000_000L, digits);
      SplittableRandom r = new SplittableRandom(digits);
      for (int i = 0; i < 10_000; i++) {
        h.recordValue(r.nextLong(1, 3_600_000_000L));
      }
      assertSameAsHdrHistogram(h);
    }
  }
}
