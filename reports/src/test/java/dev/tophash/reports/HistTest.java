package dev.tophash.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tophash.map.SiteSnapshot;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Hist's one-walk statistics against HdrHistogram's own getters, to the last bit. */
class HistTest {
  @Test
  void meanAndPercentilesMatchHdrHistogramExactly() {
    SplittableRandom rnd = new SplittableRandom(20261123);
    for (int round = 0; round < 2_000; round++) {
      Histogram h = SiteSnapshot.newHistogram();
      int n = 1 + rnd.nextInt(round % 10 == 0 ? 3 : 5_000);
      int shape = round % 4;
      for (int i = 0; i < n; i++) {
        long v = switch (shape) {
          case 0 -> rnd.nextInt(9); // probe lengths: a few small values
          case 1 -> rnd.nextLong(1_000_000_000L); // nanoseconds over a wide range
          case 2 -> (long) Math.exp(rnd.nextDouble() * 30); // heavy tail
          default -> 1L << rnd.nextInt(40); // peak sizes: powers of two
        };
        h.recordValueWithCount(v, 1 + (rnd.nextInt(8) == 0 ? rnd.nextInt(1_000) : 0));
      }
      long[] stats = Hist.meanAndPercentiles(h);
      assertEquals(h.getMean(), Double.longBitsToDouble(stats[0]), 0.0, "mean, round " + round);
      assertEquals(Hist.mean(h), Double.longBitsToDouble(stats[0]), 0.0, "Hist.mean, round " + round);
      for (int p = 0; p < Hist.PERCENTILES.length; p++) {
        assertEquals(h.getValueAtPercentile(Hist.PERCENTILES[p]), stats[1 + p],
            "p" + Hist.PERCENTILES[p] + ", round " + round + ", " + h.getTotalCount() + " values");
      }
    }
  }

  @Test
  void anEmptyHistogramHasZeros() {
    long[] stats = Hist.meanAndPercentiles(SiteSnapshot.newHistogram());
    assertEquals(0.0, Double.longBitsToDouble(stats[0]));
    for (int p = 1; p < stats.length; p++) {
      assertEquals(0, stats[p]);
    }
  }
}
