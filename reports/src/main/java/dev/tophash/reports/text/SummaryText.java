package dev.tophash.reports.text;

import dev.tophash.map.Counter;
import dev.tophash.map.Metric;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteSnapshot;
import dev.tophash.reports.Fmt;
import dev.tophash.reports.Hist;
import dev.tophash.reports.Report;
import dev.tophash.reports.RunInfo;
import dev.tophash.reports.SiteAnalysis;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Renders {@code summary.txt}: the run header, the cost rule, a ranking of the active sites, then
 * per site its counters, the percentiles of every distribution it recorded and its advice.
 * At most {@value #WIDTH} columns; numbers always in {@code Locale.US}. The text depends only on
 * what {@code report.json} holds, so regenerating it from the JSON gives the same bytes.
 */
public final class SummaryText {
  /** The widest line written. */
  public static final int WIDTH = 100;
  /** Sites shown in detail; the rest are only ranked. */
  public static final int DETAILED_SITES = 25;
  /** Sites shown in the ranking. */
  public static final int RANKED_SITES = 100;

  private SummaryText() {}

  /** The sites with any recording, most costly first (ties by key). */
  public static List<SiteAnalysis> ranked(ProfileSnapshot snapshot) {
    return SiteAnalysis.ranked(snapshot);
  }

  /** The whole summary text. */
  public static String render(Report report) {
    StringBuilder out = new StringBuilder(8192);
    RunInfo run = report.run();
    ProfileSnapshot snap = report.snapshot();
    List<SiteAnalysis> ranked = report.ranked();
    header(out, run, snap, ranked);
    costRule(out);
    ranking(out, ranked, snap.sites().size());
    int shown = Math.min(DETAILED_SITES, ranked.size());
    for (int i = 0; i < shown; i++) {
      site(out, i + 1, ranked.get(i));
    }
    if (ranked.size() > shown) {
      out.append('\n').append(ranked.size() - shown)
          .append(" more active sites are ranked above; every site is in report.json.\n");
    }
    return out.toString();
  }

  private static void header(StringBuilder out, RunInfo run, ProfileSnapshot snap,
      List<SiteAnalysis> ranked) {
    out.append("tophash report\n==============\n");
    if (!run.members.isEmpty()) {
      kv(out, "merged", run.members.size() + " JVMs (listed below)");
    }
    kv(out, "jvm", run.jvm + (run.pid > 0 ? ", pid " + run.pid : "") + ", impl=" + run.impl
        + (run.attached ? ", attached to a running JVM" : ""));
    kv(out, "command", run.mainCommand.isEmpty() ? "-" : run.mainCommand);
    kv(out, "options", run.options.isEmpty() ? "-" : run.options);
    long dur = run.endEpochMillis - run.startEpochMillis;
    kv(out, "ran", Fmt.time(run.startEpochMillis) + " to " + Fmt.time(run.endEpochMillis)
        + (dur >= 0 && run.startEpochMillis > 0 ? " (" + Fmt.seconds3(dur) + " s)" : ""));
    kv(out, "classes", Fmt.count(run.classesRewritten) + " rewritten, "
        + Fmt.count(run.classesSkipped) + " skipped, " + Fmt.count(run.classesFailed)
        + " failed; " + Fmt.count(run.sitesRewritten) + " sites rewritten");
    long maps = 0;
    long tracked = 0;
    long ops = 0;
    for (SiteSnapshot s : snap.sites()) {
      maps += s.counter(Counter.MAPS);
      tracked += s.counter(Counter.MAPS_TRACKED);
      ops += s.counter(Counter.LOOKUPS) + s.counter(Counter.INSERTS) + s.counter(Counter.UPDATES)
          + s.counter(Counter.DELETES) + s.counter(Counter.DELETE_MISSES);
    }
    kv(out, "sites", Fmt.count(snap.sites().size()) + " seen, " + Fmt.count(ranked.size())
        + " active");
    kv(out, "maps", Fmt.count(maps) + " allocated, " + Fmt.count(tracked) + " tracked");
    kv(out, "operations", Fmt.count(ops) + " (lookups, inserts, updates, deletes)");
    kv(out, "sampling", snap.opSample() == 1 && snap.mapSample() == 1
        ? "every operation of every map"
        : "1 in " + snap.opSample() + " operations of 1 in " + snap.mapSample()
            + " maps per site; figures are of recorded ones");
    for (RunInfo m : run.members) {
      kv(out, "member", m.jvm + (m.pid > 0 ? ", pid " + m.pid : "") + ", impl=" + m.impl + ", "
          + Fmt.time(m.startEpochMillis) + " to " + Fmt.time(m.endEpochMillis)
          + (m.mainCommand.isEmpty() ? "" : ", " + m.mainCommand));
    }
    if ("hashmap".equals(run.impl)) {
      kv(out, "note", "impl=hashmap keeps java.util.HashMap's algorithm: operations, sizes and "
          + "resize pauses are recorded, probe lengths and tombstones are not; its cost is its "
          + "resize time");
    }
    for (String note : run.notes) {
      kv(out, "note", note);
    }
  }

  private static void kv(StringBuilder out, String key, String value) {
    out.append(Fmt.wrap(value, WIDTH, Fmt.left(key, 11), " ".repeat(11)));
  }

  private static void costRule(StringBuilder out) {
    out.append('\n');
    out.append(Fmt.wrap("Sites are ranked by estimated cost: " + SiteAnalysis.NS_PER_SLOT
        + " ns per tophash slot examined + " + SiteAnalysis.NS_PER_FALSE_POSITIVE
        + " ns per failed equals call (false positive) + the measured ns of evacuation steps, "
        + "grow starts, HashMap resizes and the operations of maps that switched to HashMap's "
        + "tree bins after hash flooding. Tombstones are not priced apart: they show up as "
        + "longer probes.", WIDTH, "", ""));
  }

  private static void ranking(StringBuilder out, List<SiteAnalysis> ranked, int seen) {
    out.append('\n');
    if (ranked.isEmpty()) {
      out.append("No site recorded anything (").append(seen).append(" sites seen).\n");
      return;
    }
    double total = 0;
    for (SiteAnalysis a : ranked) {
      total += a.costNanos();
    }
    out.append(" rank      cost  share     maps      ops  probe mean    p99  tomb p90  site\n");
    int shown = Math.min(RANKED_SITES, ranked.size());
    for (int i = 0; i < shown; i++) {
      SiteAnalysis a = ranked.get(i);
      SiteSnapshot s = a.site();
      long tombP90 = Hist.at(s.histogram(Metric.TOMBSTONE_PERMILLE), 90);
      String line = Fmt.right(Integer.toString(i + 1), 5)
          + Fmt.right(Fmt.nanos(a.costNanos()), 10)
          + Fmt.right(total == 0 ? "-" : Fmt.percent(a.costNanos() / total), 7)
          + Fmt.right(Fmt.shortCount(s.counter(Counter.MAPS)), 9)
          + Fmt.right(Fmt.shortCount(a.countedOperations()), 9)
          + Fmt.right(a.operations() == 0 ? "-" : Fmt.f("%.2f", a.meanProbe()), 12)
          + Fmt.right(a.operations() == 0 ? "-" : Fmt.shortCount(Hist.at(a.probes(), 99)), 7)
          + Fmt.right(s.histogram(Metric.TOMBSTONE_PERMILLE).getTotalCount() == 0 ? "-"
              : tombP90 + "\u2030", 10)
          + "  ";
      out.append(line).append(shortKey(s.site().key(), WIDTH - line.length())).append('\n');
    }
    if (ranked.size() > shown) {
      out.append("  ... and ").append(ranked.size() - shown)
          .append(" more active sites (see report.json)").append(System.lineSeparator());
    }
  }

  private static void site(StringBuilder out, int rank, SiteAnalysis a) {
    SiteSnapshot s = a.site();
    var info = s.site();
    out.append('\n');
    out.append(Fmt.wrap("#" + rank + " " + info.key(), WIDTH, "", "   "));
    List<String> where = new ArrayList<>();
    if (!info.sourceFile().isEmpty()) {
      where.add(info.sourceFile() + (info.line() >= 0 ? ":" + info.line() : ""));
    }
    if (!info.methodDescriptor().isEmpty()) {
      where.add(info.methodName() + info.methodDescriptor());
    }
    if (!info.loaderName().isEmpty()) {
      where.add("loader " + info.loaderName());
    }
    String ind = "   ";
    if (!where.isEmpty()) {
      out.append(Fmt.wrap(String.join(", ", where), WIDTH, ind, ind));
    }
    out.append(Fmt.wrap("maps " + c(s, Counter.MAPS) + " (tracked " + c(s, Counter.MAPS_TRACKED)
        + "); lookups " + c(s, Counter.LOOKUPS) + ", inserts " + c(s, Counter.INSERTS)
        + ", updates " + c(s, Counter.UPDATES) + ", deletes " + c(s, Counter.DELETES)
        + ", delete misses " + c(s, Counter.DELETE_MISSES) + ", clears " + c(s, Counter.CLEARS),
        WIDTH, ind, ind));
    out.append(Fmt.wrap("grows " + c(s, Counter.DOUBLING_GROWS) + " doubling + "
        + c(s, Counter.SAME_SIZE_GROWS) + " same-size, overflow buckets "
        + c(s, Counter.OVERFLOW_BUCKETS) + ", resizes " + c(s, Counter.RESIZES)
        + ", concurrent writes " + c(s, Counter.CONCURRENT_WRITES) + ", long probes "
        + c(s, Counter.LONG_PROBES), WIDTH, ind, ind));
    String treeBins = a.delegatedNanos() == 0 ? ""
        : " + operations in HashMap's tree bins " + Fmt.nanos(a.delegatedNanos());
    out.append(Fmt.wrap("cost " + Fmt.nanos(a.costNanos()) + " = probes "
        + Fmt.nanos(a.probeSlots() * SiteAnalysis.NS_PER_SLOT) + " + false positives "
        + Fmt.nanos(a.falsePositives() * SiteAnalysis.NS_PER_FALSE_POSITIVE) + " + pauses "
        + Fmt.nanos(a.pauseNanos()) + treeBins, WIDTH, ind, ind));
    StringBuilder table = new StringBuilder();
    for (Metric m : Metric.values()) {
      Histogram h = s.histogram(m);
      if (h.getTotalCount() == 0 || (m.name().startsWith("FALSEPOS") && h.getMaxValue() == 0)) {
        continue;
      }
      long[] stats = Hist.meanAndPercentiles(h);
      table.append(ind).append(Fmt.left(m.tag(), 20)).append(Fmt.left(m.unit(), 9))
          .append(Fmt.right(Fmt.shortCount(h.getTotalCount()), 8))
          .append(Fmt.right(Fmt.mean(Double.longBitsToDouble(stats[0]), m.unit()), 9));
      for (int p = 0; p < Hist.PERCENTILES.length; p++) {
        table.append(Fmt.right(Fmt.value(Hist.shown(m, h, stats[1 + p]), m.unit()), 9));
      }
      table.append(Fmt.right(Fmt.value(Hist.shown(m, h, h.getMaxValue()), m.unit()), 9)).append('\n');
    }
    if (table.length() > 0) {
      out.append(ind).append(Fmt.left("metric", 20)).append(Fmt.left("unit", 9))
          .append(Fmt.right("count", 8)).append(Fmt.right("mean", 9));
      for (String l : Hist.LABELS) {
        out.append(Fmt.right(l, 9));
      }
      out.append(Fmt.right("max", 9)).append('\n').append(table);
    }
    if (a.advice().isEmpty()) {
      out.append(ind).append("advice: none (no rule fired)\n");
    } else {
      out.append(ind).append("advice:\n");
      for (String line : a.advice()) {
        out.append(Fmt.wrap(line, WIDTH, ind + "- ", ind + "  "));
      }
    }
  }

  /**
   * A site key that fits {@code width}: as it is, else with the class's package abbreviated to
   * initials ({@code d.t.i.a.DemoApp#priceCells:66}), else cut at the front so that the method and
   * line, the part a reader looks for, survive.
   */
  public static String shortKey(String key, int width) {
    if (key.length() <= width) {
      return key;
    }
    int hash = key.indexOf('#');
    String cls = hash < 0 ? key : key.substring(0, hash);
    String rest = hash < 0 ? "" : key.substring(hash);
    String[] parts = cls.split("\\.");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      sb.append(parts[i].isEmpty() ? "" : parts[i].substring(0, 1)).append('.');
    }
    sb.append(parts[parts.length - 1]).append(rest);
    String abbreviated = sb.toString();
    if (abbreviated.length() <= width) {
      return abbreviated;
    }
    return "~" + abbreviated.substring(abbreviated.length() - (width - 1));
  }

  private static String cut(String s, int width) {
    return s.length() <= width ? s : Fmt.left(s, width);
  }

  private static String c(SiteSnapshot s, Counter c) {
    return Fmt.count(s.counter(c));
  }
}
