package dev.tophash.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Measures how fast this machine is right now at the thing a map benchmark stresses most: loads
 * that depend on each other, from a working set in the L2 cache, one well inside the last-level
 * cache, one at the edge of the share of it this machine gets (where a map of 100,000 entries
 * lives), and one in memory. On a shared or virtual machine these move by 2–5× when a neighbour
 * competes for the caches and memory, and a benchmark run taken in such a spell compares the
 * maps under conditions they did not share. {@code benchmarks/run.sh} probes before and after
 * every JMH selection and writes the range into each JDK's results, with a warning when the
 * figures moved enough to make that run's ratios suspect.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tophash.bench.MachineProbe
 *     prints one probe: "256 KB 4.0 ns, 4 MB 16.8 ns, 8 MB 19.2 ns, 64 MB 179.4 ns"
 * java -cp benchmarks/target/benchmarks.jar dev.tophash.bench.MachineProbe --summarize FILE
 *     prints the Markdown line(s) that sum up the probes in FILE, one probe per line
 * </pre>
 */
public final class MachineProbe {
  /**
   * Working sets probed, in ints: 256 KB, 4 MB, 8 MB and 64 MB. On the shared virtual machine of
   * the sixteenth round (RESULTS.md) the 8 MB set took 18–115 ns a load from one minute to the
   * next while the 4 MB set stayed at 16–26: neighbours took a varying share of the last-level
   * cache, and the benchmarks' 100,000-key working sets (7–10 MB) moved with it.
   */
  static final int[] SIZES = {1 << 16, 1 << 20, 1 << 21, 1 << 24};
  static final String[] NAMES = {"256 KB", "4 MB", "8 MB", "64 MB"};
  /** The benchmark cases whose working sets each probed set stands for, for the warning. */
  static final String[] SCOPES = {"every size", "100,000 entries", "100,000 entries",
      "1,000,000 entries"};
  /** Slowest over fastest probe of a working set beyond which a run is flagged. */
  static final double SUSPECT_SPREAD = 1.5;
  private static final int STEPS = 2_000_000;
  /** Where the chase's last slot goes, so that the JIT cannot drop the chase. */
  static int sink;

  private MachineProbe() {}

  /**
   * A random cyclic permutation of {@code 0..n-1} (Sattolo's algorithm): following
   * {@code next[p]} from any slot visits all {@code n} slots before it returns, so that a chase
   * through it has no shorter cycle for the caches to settle on.
   */
  static int[] cycle(int n, long seed) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  private static int chase(int[] next, int start, int steps) {
    int p = start;
    for (int i = 0; i < steps; i++) {
      p = next[p];
    }
    return p;
  }

  /** ns per dependent load for each of {@link #SIZES}. */
  static double[] probe() {
    double[] ns = new double[SIZES.length];
    int p = 0;
    for (int s = 0; s < SIZES.length; s++) {
      int[] next = cycle(SIZES[s], s + 1);
      p = chase(next, p & (next.length - 1), STEPS / 4); // warm the code and the working set
      long t0 = System.nanoTime();
      p = chase(next, p, STEPS);
      ns[s] = (System.nanoTime() - t0) / (double) STEPS;
    }
    sink = p; // keeps the chase's result alive
    return ns;
  }

  static String format(double[] ns) {
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < ns.length; s++) {
      sb.append(s == 0 ? "" : ", ").append(NAMES[s]).append(' ')
          .append(String.format(Locale.ROOT, "%.1f", ns[s])).append(" ns");
    }
    return sb.toString();
  }

  /** Parses a line of {@link #format}. */
  static double[] parse(String line) {
    String[] parts = line.trim().split(", ");
    if (parts.length != NAMES.length) {
      throw new IllegalArgumentException("not a probe line (expected \"" + NAMES[0]
          + " N ns, ...\" with " + NAMES.length + " sizes): " + line);
    }
    double[] ns = new double[parts.length];
    for (int s = 0; s < parts.length; s++) {
      String p = parts[s];
      if (!p.startsWith(NAMES[s] + " ") || !p.endsWith(" ns")) {
        throw new IllegalArgumentException("not a probe line (expected \"" + NAMES[s]
            + " N ns\" as part " + (s + 1) + "): " + line);
      }
      ns[s] = Double.parseDouble(p.substring(NAMES[s].length() + 1, p.length() - 3));
    }
    return ns;
  }

  /**
   * The Markdown bullet that sums up {@code probes}: the range of each working set's latency and,
   * when the slowest probe of a working set is more than {@link #SUSPECT_SPREAD} times its
   * fastest, a warning for it that names the map sizes it bears on ({@link #SCOPES}).
   */
  static String summarize(List<double[]> probes) {
    if (probes.isEmpty()) {
      return "- Machine probe: none taken";
    }
    StringBuilder ranges = new StringBuilder();
    StringBuilder warnings = new StringBuilder();
    for (int s = 0; s < NAMES.length; s++) {
      double lo = Double.MAX_VALUE;
      double hi = 0;
      for (double[] p : probes) {
        lo = Math.min(lo, p[s]);
        hi = Math.max(hi, p[s]);
      }
      ranges.append(s == 0 ? "" : ", ").append(NAMES[s]).append(' ')
          .append(String.format(Locale.ROOT, "%.1f–%.1f", lo, hi)).append(" ns");
      double spread = hi / lo;
      if (spread > SUSPECT_SPREAD) {
        warnings.append(String.format(Locale.ROOT, "%n- **Warning**: the %s probe varied %.1f×"
            + " during this run, so the machine's speed changed while it measured: ratios between"
            + " maps measured at different times may be off by as much, above all for maps of %s",
            NAMES[s], spread, SCOPES[s]));
      }
    }
    String line = "- Machine probe (`MachineProbe`, ns per dependent load, " + probes.size()
        + " probes before and after the JMH selections): " + ranges;
    line += warnings;
    return line;
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.out.println(format(probe()));
      return;
    }
    if (args.length != 2 || !args[0].equals("--summarize")) {
      System.err.println("usage: MachineProbe [--summarize FILE]");
      System.exit(2);
    }
    List<double[]> probes = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        probes.add(parse(line));
      }
    }
    System.out.println(summarize(probes));
  }
}
