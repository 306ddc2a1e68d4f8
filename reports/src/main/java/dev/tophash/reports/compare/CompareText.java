package dev.tophash.reports.compare;

import dev.tophash.map.Counter;
import dev.tophash.map.Metric;
import dev.tophash.map.SiteSnapshot;
import dev.tophash.reports.Fmt;
import dev.tophash.reports.Hist;
import dev.tophash.reports.Report;
import dev.tophash.reports.RunInfo;
import org.HdrHistogram.Histogram;

/**
 * Renders a {@link Comparison} as text: both runs, the verdict rule, the verdict per site, sites
 * in only one run, then per matched site its measures, its growth pauses side by side (HashMap's
 * {@code resize.ns} beside TophashMap's {@code evac.step.ns} and {@code grow.*}), its counters,
 * and for every metric recorded in either run the percentiles of A and B, B−A and B/A.
 */
public final class CompareText {
  /** The widest line written. */
  public static final int WIDTH = 100;
  /** Matched sites shown in detail. */
  public static final int DETAILED_SITES = 50;

  private static final Metric[] PAUSE_METRICS = {Metric.RESIZE_NANOS, Metric.EVAC_STEP_NANOS,
      Metric.GROW_START_NANOS, Metric.GROW_TOTAL_NANOS, Metric.GROW_WRITES};

  private CompareText() {}

  /** The whole text; {@code nameA}/{@code nameB} name the inputs, {@code failIfWorse} may be NaN. */
  public static String render(Comparison c, String nameA, String nameB, double failIfWorse) {
    StringBuilder out = new StringBuilder(8192);
    out.append("tophash compare\n===============\n");
    run(out, "A", nameA, c.a());
    run(out, "B", nameB, c.b());
    out.append('\n').append(Fmt.wrap(c.rule(), WIDTH, "", ""));
    if (!Double.isNaN(failIfWorse)) {
      out.append(Fmt.wrap(Fmt.f("--fail-if-worse=%s: the exit code is 1 when a site's ratio "
          + "exceeds %s.", trim(failIfWorse), trim(failIfWorse)), WIDTH, "", ""));
    }
    int[] n = new int[Comparison.Verdict.values().length];
    for (Comparison.SiteResult r : c.sites()) {
      n[r.verdict().ordinal()]++;
    }
    out.append('\n').append(Fmt.f("Sites: %d in both (%d worse, %d better, %d within noise), "
            + "%d only in A, %d only in B%n", n[0] + n[1] + n[2], n[0], n[1], n[2], n[3], n[4]));
    out.append('\n').append(" verdict        ratio B/A  site\n");
    for (Comparison.SiteResult r : c.sites()) {
      String line = " " + Fmt.left(r.verdictText(), 13)
          + Fmt.right(Double.isNaN(r.worstRatio()) ? "-" : Fmt.ratio(r.worstRatio()), 10) + "  ";
      String extra = "";
      if (r.verdict() == Comparison.Verdict.ONLY_A || r.verdict() == Comparison.Verdict.ONLY_B) {
        SiteSnapshot s = r.a() != null ? r.a() : r.b();
        extra = Fmt.f(" (maps %s, ops %s)", Fmt.shortCount(s.counter(Counter.MAPS)),
            Fmt.shortCount(s.recordedOperations()));
      }
      String key = r.key() + extra;
      int room = WIDTH - line.length();
      out.append(line).append(key.length() <= room ? key : Fmt.left(key, room)).append('\n');
    }
    int shown = 0;
    for (Comparison.SiteResult r : c.sites()) {
      if (r.a() == null || r.b() == null) {
        continue;
      }
      if (shown++ >= DETAILED_SITES) {
        out.append('\n').append("(further matched sites are in the table above only)\n");
        break;
      }
      site(out, r, c);
    }
    return out.toString();
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Fmt.f("%.1f", d) : Fmt.f("%s", d);
  }

  private static void run(StringBuilder out, String arm, String name, Report r) {
    RunInfo run = r.run();
    double secs = (run.endEpochMillis - run.startEpochMillis) / 1000.0;
    String desc = Fmt.f("%s: %s, impl=%s, %s (%.1f s), %d sites%s", name, run.jvm, run.impl,
        Fmt.time(run.startEpochMillis), secs, r.sites().size(),
        run.members.isEmpty() ? "" : ", merged from " + run.members.size() + " JVMs");
    out.append(Fmt.wrap(desc, WIDTH, arm + "  ", "   "));
  }

  private static void site(StringBuilder out, Comparison.SiteResult r, Comparison c) {
    String ind = "   ";
    out.append('\n').append(Fmt.wrap("== " + r.key() + ": " + r.verdictText(), WIDTH, "", ind));
    for (String reason : r.reasons()) {
      out.append(Fmt.wrap(reason, WIDTH, ind, ind + "  "));
    }
    StringBuilder counters = new StringBuilder();
    for (Counter k : Counter.values()) {
      long a = r.a().counter(k);
      long b = r.b().counter(k);
      if (a != 0 || b != 0) {
        counters.append(counters.length() == 0 ? "" : ", ").append(k.tag()).append(' ')
            .append(Fmt.count(a)).append(" -> ").append(Fmt.count(b));
      }
    }
    if (counters.length() > 0) {
      out.append(Fmt.wrap("counters A -> B: " + counters, WIDTH, ind, ind + "  "));
    }
    StringBuilder pauses = new StringBuilder();
    for (int arm = 0; arm < 2; arm++) {
      SiteSnapshot s = arm == 0 ? r.a() : r.b();
      for (Metric m : PAUSE_METRICS) {
        Histogram h = s.histogram(m);
        if (h.getTotalCount() == 0) {
          continue;
        }
        pauses.append(ind).append("  ").append(arm == 0 ? "A " : "B ")
            .append(Fmt.left(arm == 0 ? c.a().run().impl : c.b().run().impl, 9))
            .append(Fmt.left(m.tag(), 15)).append(Fmt.right(Fmt.shortCount(h.getTotalCount()), 8))
            .append(Fmt.right(m == Metric.GROW_WRITES ? "-" : Fmt.nanos(Hist.sum(h)), 10))
            .append(Fmt.right(Fmt.value(h.getValueAtPercentile(50), m.unit()), 9))
            .append(Fmt.right(Fmt.value(h.getValueAtPercentile(99), m.unit()), 9))
            .append(Fmt.right(Fmt.value(h.getMaxValue(), m.unit()), 9)).append('\n');
      }
    }
    if (pauses.length() > 0) {
      out.append(ind).append("growth pauses side by side:\n");
      out.append(ind).append("  ").append(Fmt.left("run impl", 11)).append(Fmt.left("metric", 15))
          .append(Fmt.right("count", 8)).append(Fmt.right("total", 10)).append(Fmt.right("p50", 9))
          .append(Fmt.right("p99", 9)).append(Fmt.right("max", 9)).append('\n').append(pauses);
    }
    boolean header = false;
    for (Metric m : Metric.values()) {
      Histogram a = r.a().histogram(m);
      Histogram b = r.b().histogram(m);
      if (a.getTotalCount() == 0 && b.getTotalCount() == 0) {
        continue;
      }
      if (!header) {
        out.append(ind).append(Fmt.left("metric", 20)).append(Fmt.left("", 5))
            .append(Fmt.right("count", 8)).append(Fmt.right("mean", 9));
        for (String l : Hist.LABELS) {
          out.append(Fmt.right(l, 9));
        }
        out.append(Fmt.right("max", 9)).append('\n');
        header = true;
      }
      double[] va = figures(a);
      double[] vb = figures(b);
      row(out, ind + Fmt.left(m.tag(), 20), "A", va, m.unit(), 0);
      row(out, ind + " ".repeat(20), "B", vb, m.unit(), 0);
      double[] delta = new double[va.length];
      double[] ratio = new double[va.length];
      for (int i = 0; i < va.length; i++) {
        delta[i] = vb[i] - va[i];
        ratio[i] = Comparison.ratio(va[i], vb[i]);
      }
      row(out, ind + " ".repeat(20), "B-A", delta, m.unit(), 1);
      row(out, ind + " ".repeat(20), "B/A", ratio, m.unit(), 2);
    }
  }

  /** count, mean, p50, p90, p99, p99.9, max. */
  private static double[] figures(Histogram h) {
    double[] f = new double[3 + Hist.PERCENTILES.length];
    f[0] = h.getTotalCount();
    f[1] = h.getTotalCount() == 0 ? 0 : h.getMean();
    for (int i = 0; i < Hist.PERCENTILES.length; i++) {
      f[2 + i] = Hist.at(h, Hist.PERCENTILES[i]);
    }
    f[f.length - 1] = Hist.max(h);
    return f;
  }

  /** One row; kind 0 plain figures, 1 signed deltas, 2 ratios. */
  private static void row(StringBuilder out, String lead, String label, double[] v, String unit,
      int kind) {
    out.append(lead).append(Fmt.left(label, 5));
    for (int i = 0; i < v.length; i++) {
      int width = i == 0 ? 8 : 9;
      String s;
      if (kind == 2) {
        s = Fmt.ratio(v[i]);
      } else {
        String sign = kind == 1 && v[i] > 0 ? "+" : "";
        s = sign + (i == 0 ? Fmt.shortCount((long) v[i])
            : i == 1 ? Fmt.mean(v[i], unit) : Fmt.value(v[i], unit));
      }
      out.append(Fmt.right(s, width));
    }
    out.append('\n');
  }
}
