package dev.tophash.bench;

import dev.tophash.map.MapSites;
import dev.tophash.map.Metric;
import dev.tophash.map.SiteSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The longest single {@code put} while a map grows from empty to {@code n} entries, per map type.
 *
 * <p>Each put is timed with {@link System#nanoTime()} into an HdrHistogram. After untimed-result
 * warm-up rounds, each measured round fills a new map with the same precomputed {@code String}
 * keys; the report gives the longest put over all rounds, the longest put of the best round (the
 * round least disturbed by GC), high percentiles, and the GC collections that fell inside
 * measured rounds. HashMap's longest put is a resize (rehashing the whole table at once);
 * TophashMap's should be one incremental evacuation step. TophashMap's grow start (allocating
 * the new bucket arrays) is recorded by the map itself into the {@code grow.start.ns} histogram
 * of its site, which the recording variants report here.
 *
 * <p>By default each map type runs in its own child JVM (same java, same JVM options), so that
 * call-site profiles of one type do not slow another; {@code --in-process} runs them all here.
 * Usage: {@code PauseMain [--n 1000000] [--warmup 3] [--rounds 5] [--types T,...] [--out FILE]}.
 */
public final class PauseMain {
  private static final String RESULT_PREFIX = "PAUSE-RESULT ";

  private PauseMain() {}

  public static void main(String[] args) throws Exception {
    int n = 1_000_000;
    int warmup = 3;
    int rounds = 5;
    List<MapType> types = List.of(MapType.HASHMAP, MapType.TOPHASH_OFF, MapType.TOPHASH_FULL,
        MapType.FASTUTIL, MapType.UNIFIED);
    Path out = null;
    boolean child = false;
    boolean inProcess = false;
    for (int a = 0; a < args.length; a++) {
      switch (args[a]) {
        case "--n": n = Integer.parseInt(args[++a]); break;
        case "--warmup": warmup = Integer.parseInt(args[++a]); break;
        case "--rounds": rounds = Integer.parseInt(args[++a]); break;
        case "--types": {
          List<MapType> t = new ArrayList<>();
          for (String s : args[++a].split(",")) {
            t.add(MapType.valueOf(s.trim()));
          }
          types = t;
          break;
        }
        case "--out": out = Path.of(args[++a]); break;
        case "--child": child = true; break;
        case "--in-process": inProcess = true; break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[a] + "; usage: PauseMain"
              + " [--n N] [--warmup W] [--rounds R] [--types T,...] [--out FILE] [--in-process]");
      }
    }
    Object[] keys = null;
    List<Result> results = new ArrayList<>();
    for (MapType type : types) {
      Result r;
      if (child || inProcess) {
        if (keys == null) {
          keys = KeyType.STRING.generate(n, 0x7091A5L).present;
        }
        r = measure(type, keys, warmup, rounds);
      } else {
        r = runChild(type, n, warmup, rounds);
      }
      if (child) {
        System.out.println(RESULT_PREFIX + r.encode());
      } else {
        System.err.println(r.type + ": max " + r.maxNs + " ns");
        results.add(r);
      }
    }
    if (!child) {
      String md = markdown(n, warmup, rounds, results);
      System.out.print(md);
      if (out != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md, StandardCharsets.UTF_8);
      }
    }
  }

  /* --- Measurement --- */

  static Result measure(MapType type, Object[] keys, int warmup, int rounds) {
    for (int w = 0; w < warmup; w++) {
      timedFill(type, keys, new Histogram(3_600_000_000_000L, 3));
    }
    if (type.isTophash()) {
      MapSites.snapshot(true); // start a fresh interval for the measured rounds
    }
    Histogram all = new Histogram(3_600_000_000_000L, 3);
    long bestRoundMax = Long.MAX_VALUE;
    long gcCount = 0;
    long gcMillis = 0;
    for (int r = 0; r < rounds; r++) {
      System.gc();
      long c0 = gcCount();
      long t0 = gcMillis();
      Histogram h = new Histogram(3_600_000_000_000L, 3);
      timedFill(type, keys, h);
      gcCount += gcCount() - c0;
      gcMillis += gcMillis() - t0;
      bestRoundMax = Math.min(bestRoundMax, h.getMaxValue());
      all.add(h);
    }
    Result res = new Result();
    res.type = type;
    res.maxNs = all.getMaxValue();
    res.bestRoundMaxNs = bestRoundMax;
    res.p9999Ns = all.getValueAtPercentile(99.99);
    res.p999Ns = all.getValueAtPercentile(99.9);
    res.p50Ns = all.getValueAtPercentile(50);
    res.gcCount = gcCount;
    res.gcMillis = gcMillis;
    res.growStarts = -1;
    if (type == MapType.TOPHASH_SAMPLED || type == MapType.TOPHASH_FULL) {
      int site = MapType.site();
      for (SiteSnapshot s : MapSites.snapshot(true).sites()) {
        if (s.site().id() == site) {
          Histogram g = s.histogram(Metric.GROW_START_NANOS);
          Histogram e = s.histogram(Metric.EVAC_STEP_NANOS);
          res.growStarts = g.getTotalCount();
          res.growStartMaxNs = g.getTotalCount() == 0 ? 0 : g.getMaxValue();
          res.evacSteps = e.getTotalCount();
          res.evacStepMaxNs = e.getTotalCount() == 0 ? 0 : e.getMaxValue();
        }
      }
    }
    return res;
  }

  private static void timedFill(MapType type, Object[] keys, Histogram h) {
    Map<Object, Object> m = type.create();
    for (Object k : keys) {
      long t0 = System.nanoTime();
      m.put(k, k);
      long t1 = System.nanoTime();
      h.recordValue(t1 - t0);
    }
    if (m.size() != keys.length) {
      throw new IllegalStateException(type + " holds " + m.size() + " of " + keys.length);
    }
  }

  private static long gcCount() {
    long c = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      c += Math.max(0, gc.getCollectionCount());
    }
    return c;
  }

  private static long gcMillis() {
    long c = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      c += Math.max(0, gc.getCollectionTime());
    }
    return c;
  }

  /* --- Child JVMs --- */

  private static Result runChild(MapType type, int n, int warmup, int rounds)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PauseMain.class.getName());
    cmd.add("--child");
    cmd.addAll(List.of("--n", Integer.toString(n), "--warmup", Integer.toString(warmup),
        "--rounds", Integer.toString(rounds), "--types", type.name()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Result r = null;
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith(RESULT_PREFIX)) {
          r = Result.decode(line.substring(RESULT_PREFIX.length()));
        }
      }
    }
    int rc = p.waitFor();
    if (rc != 0 || r == null) {
      throw new IllegalStateException("child JVM for " + type + " failed (exit " + rc + ")");
    }
    return r;
  }

  /* --- Results --- */

  static final class Result {
    MapType type;
    long maxNs;
    long bestRoundMaxNs;
    long p9999Ns;
    long p999Ns;
    long p50Ns;
    long gcCount;
    long gcMillis;
    long growStarts;
    long growStartMaxNs;
    long evacSteps;
    long evacStepMaxNs;

    String encode() {
      return String.join(" ", type.name(), Long.toString(maxNs), Long.toString(bestRoundMaxNs),
          Long.toString(p9999Ns), Long.toString(p999Ns), Long.toString(p50Ns),
          Long.toString(gcCount), Long.toString(gcMillis), Long.toString(growStarts),
          Long.toString(growStartMaxNs), Long.toString(evacSteps), Long.toString(evacStepMaxNs));
    }

    static Result decode(String s) {
      String[] f = s.trim().split(" ");
      Result r = new Result();
      r.type = MapType.valueOf(f[0]);
      r.maxNs = Long.parseLong(f[1]);
      r.bestRoundMaxNs = Long.parseLong(f[2]);
      r.p9999Ns = Long.parseLong(f[3]);
      r.p999Ns = Long.parseLong(f[4]);
      r.p50Ns = Long.parseLong(f[5]);
      r.gcCount = Long.parseLong(f[6]);
      r.gcMillis = Long.parseLong(f[7]);
      r.growStarts = Long.parseLong(f[8]);
      r.growStartMaxNs = Long.parseLong(f[9]);
      r.evacSteps = Long.parseLong(f[10]);
      r.evacStepMaxNs = Long.parseLong(f[11]);
      return r;
    }
  }

  static String markdown(int n, int warmup, int rounds, List<Result> results) {
    Result base = null;
    for (Result r : results) {
      if (r.type == MapType.HASHMAP) {
        base = r;
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Growing from empty to %,d String keys, every put timed;"
        + " %d warm-up and %d measured rounds per map type, each type in its own JVM.%n%n",
        n, warmup, rounds));
    sb.append("| map | longest put (µs) | × HashMap | longest put, best round (µs) | × HashMap"
        + " | p99.99 (µs) | p99.9 (µs) | median (ns) | GCs in rounds (ms) |"
        + " grow starts: count, longest (µs) | evacuation steps: count, longest (µs) |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      String grow = r.growStarts < 0 ? "–"
          : r.growStarts == 0 ? "none recorded"
          : String.format(Locale.ROOT, "%,d, %.1f", r.growStarts, r.growStartMaxNs / 1e3);
      String evac = r.growStarts < 0 ? "–"
          : r.evacSteps == 0 ? "none recorded"
          : String.format(Locale.ROOT, "%,d, %.1f", r.evacSteps, r.evacStepMaxNs / 1e3);
      sb.append(String.format(Locale.ROOT,
          "| %s | %.1f | %s | %.1f | %s | %.2f | %.2f | %d | %d (%d) | %s | %s |%n",
          r.type, r.maxNs / 1e3, ratio(r.maxNs, base == null ? 0 : base.maxNs),
          r.bestRoundMaxNs / 1e3, ratio(r.bestRoundMaxNs, base == null ? 0 : base.bestRoundMaxNs),
          r.p9999Ns / 1e3, r.p999Ns / 1e3, r.p50Ns, r.gcCount, r.gcMillis, grow, evac));
    }
    return sb.toString();
  }

  private static String ratio(long v, long base) {
    return base == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", (double) v / base);
  }
}
