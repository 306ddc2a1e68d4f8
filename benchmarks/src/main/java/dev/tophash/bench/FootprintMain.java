package dev.tophash.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Bytes per entry of each map's own structures, measured with JOL's {@link GraphLayout}.
 *
 * <p>A map is filled with {@code n} preallocated {@code Integer} keys, each mapped to itself. Its
 * footprint is everything reachable from it, minus the keys (which are also the values; all
 * {@code Integer}s have one size), minus whatever a fresh empty map of the same type also reaches
 * (static empty tables, a site's recorder), matched by address. Measured after growth (no size
 * hint) and after presizing for {@code n}.
 *
 * <p>Run with {@code -Djdk.attach.allowAttachSelf=true} (JDK 17 and later need it for JOL's
 * agent; without it JOL falls back to {@code -Djol.magicFieldOffset=true}, which this main sets).
 * Usage: {@code FootprintMain [--sizes 1000,100000,1000000] [--types HASHMAP,...] [--out FILE]}.
 */
public final class FootprintMain {
  private FootprintMain() {}

  public static void main(String[] args) throws IOException {
    if (System.getProperty("jol.magicFieldOffset") == null) {
      System.setProperty("jol.magicFieldOffset", "true");
    }
    int[] sizes = {1_000, 100_000, 1_000_000};
    List<MapType> types = List.of(MapType.values());
    Path out = null;
    for (int a = 0; a < args.length; a++) {
      switch (args[a]) {
        case "--sizes": {
          String[] s = args[++a].split(",");
          sizes = new int[s.length];
          for (int i = 0; i < s.length; i++) {
            sizes[i] = Integer.parseInt(s[i].trim());
          }
          break;
        }
        case "--types": {
          List<MapType> t = new ArrayList<>();
          for (String s : args[++a].split(",")) {
            t.add(MapType.valueOf(s.trim()));
          }
          types = t;
          break;
        }
        case "--out":
          out = Path.of(args[++a]);
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[a]
              + "; usage: FootprintMain [--sizes N,...] [--types T,...] [--out FILE]");
      }
    }
    System.err.println(VM.current().details());

    Map<MapType, double[]> grown = new EnumMap<>(MapType.class);
    Map<MapType, double[]> presized = new EnumMap<>(MapType.class);
    for (MapType type : types) {
      double[] g = new double[sizes.length];
      double[] p = new double[sizes.length];
      for (int s = 0; s < sizes.length; s++) {
        g[s] = bytesPerEntry(type, sizes[s], false);
        p[s] = bytesPerEntry(type, sizes[s], true);
        System.err.printf(Locale.ROOT, "%-16s %9d  grown %6.2f  presized %6.2f B/entry%n",
            type, sizes[s], g[s], p[s]);
      }
      grown.put(type, g);
      presized.put(type, p);
    }

    String md = markdown(sizes, types, grown, presized);
    System.out.print(md);
    if (out != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, md, StandardCharsets.UTF_8);
    }
  }

  /** The map's own bytes per entry for {@code n} Integer keys. */
  static double bytesPerEntry(MapType type, int n, boolean presize) {
    Integer[] keys = new Integer[n];
    for (int i = 0; i < n; i++) {
      keys[i] = Integer.valueOf(i);
    }
    Map<Object, Object> map = presize ? type.create(n) : type.create();
    for (Integer k : keys) {
      map.put(k, k);
    }
    if (map.size() != n) {
      throw new IllegalStateException(type + " holds " + map.size() + " of " + n);
    }
    // Everything the map reaches, less what an empty map of its type also reaches (shared empty
    // tables, a site's recorder: old objects that stay put), less the n Integer keys, which are
    // also the values. Integers all have the same size, so the keys need no second walk.
    long keyBytes = (long) n * VM.current().sizeOf(keys[n - 1]);
    Map<Object, Object> empty = type.create();
    System.gc();
    GraphLayout whole = GraphLayout.parseInstance(map);
    GraphLayout shared = GraphLayout.parseInstance(empty);
    long own = whole.subtract(shared).totalSize() - keyBytes;
    return (double) own / n;
  }

  static String markdown(int[] sizes, List<MapType> types, Map<MapType, double[]> grown,
      Map<MapType, double[]> presized) {
    StringBuilder sb = new StringBuilder();
    double[] base = grown.get(MapType.HASHMAP);
    double[] basePre = presized.get(MapType.HASHMAP);
    sb.append("| map | entries | B/entry grown | × HashMap | B/entry presized | × HashMap |\n");
    sb.append("|---|---:|---:|---:|---:|---:|\n");
    for (MapType t : types) {
      double[] g = grown.get(t);
      double[] p = presized.get(t);
      for (int s = 0; s < sizes.length; s++) {
        sb.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %s | %.1f | %s |%n",
            t, sizes[s], g[s], ratio(g[s], base == null ? Double.NaN : base[s]),
            p[s], ratio(p[s], basePre == null ? Double.NaN : basePre[s])));
      }
    }
    if (base != null) {
      sb.append("\nAfter growth, ratio to HashMap averaged over the sizes, and the worst size:\n\n");
      sb.append("| map | mean × HashMap | max × HashMap |\n|---|---:|---:|\n");
      for (MapType t : types) {
        double[] g = grown.get(t);
        double sum = 0;
        double max = 0;
        for (int s = 0; s < sizes.length; s++) {
          double r = g[s] / base[s];
          sum += r;
          max = Math.max(max, r);
        }
        sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", t, sum / sizes.length, max));
      }
    }
    return sb.toString();
  }

  private static String ratio(double v, double base) {
    return Double.isNaN(base) || base == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", v / base);
  }

}
