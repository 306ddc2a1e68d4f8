package dev.tophash.reports.compare;

import dev.tophash.map.SiteSnapshot;
import dev.tophash.reports.Fmt;
import dev.tophash.reports.Hist;
import dev.tophash.reports.Merger;
import dev.tophash.reports.Report;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * An A/B comparison of two reports, site by site, sites matched by their stable key.
 *
 * <p><b>The verdict rule.</b> Two measures are judged per site, each only when both runs hold
 * enough samples of it: <i>probe length</i> (every {@code probe.*} distribution together, at
 * least {@value #MIN_PROBE_SAMPLES} operations per run), by its mean and p99; and <i>pauses</i>
 * (the pause events {@code evac.step.ns}, {@code grow.start.ns} and {@code resize.ns} together,
 * at least {@value #MIN_PAUSE_SAMPLES} per run, so HashMap's resizes meet TophashMap's
 * evacuation steps), by their total and p99. A measure is worse when both of its figures rose
 * beyond the noise band (B/A &gt; 1 + noise), better when both fell beyond it
 * (B/A &lt; 1/(1 + noise)), and mixed, counting as neither, when one rose and the other fell
 * beyond it. A site is worse when any measure is worse, better when any is better
 * and none worse, and within noise otherwise. Its ratio, for {@code --fail-if-worse}, is the
 * largest over its judged measures of the smaller of the two figure ratios.
 */
public final class Comparison {
  /** Default noise band: ±10%. */
  public static final double DEFAULT_NOISE = 0.10;
  /** Fewest operations per run before probe lengths are judged. */
  public static final long MIN_PROBE_SAMPLES = 100;
  /** Fewest pause events per run before pauses are judged. */
  public static final long MIN_PAUSE_SAMPLES = 10;

  /** A site's verdict. */
  public enum Verdict {
    WORSE("worse"), BETTER("better"), NOISE("within noise"), ONLY_A("only in A"), ONLY_B("only in B");

    private final String text;

    Verdict(String text) {
      this.text = text;
    }

    /** How the verdict is printed. */
    public String text() { return text; }
  }

  /** One judged (or unjudged) measure of one site: two figures, in A and in B. */
  public record Measure(String name, String unit, String figure1, double a1, double b1,
      String figure2, double a2, double b2, long samplesA, long samplesB, boolean judged) {
    /** B/A of the first figure. */
    public double ratio1() { return ratio(a1, b1); }

    /** B/A of the second figure. */
    public double ratio2() { return ratio(a2, b2); }

    /** The ratio that must exceed a bound for the measure to be worse: the smaller one. */
    public double worseRatio() { return Math.min(ratio1(), ratio2()); }
  }

  /** The result for one site key. */
  public record SiteResult(String key, SiteSnapshot a, SiteSnapshot b, Verdict verdict,
      double worstRatio, List<Measure> measures, List<String> reasons) {
    /** The verdict as printed. */
    public String verdictText() { return verdict.text(); }
  }

  private final Report reportA;
  private final Report reportB;
  private final double noise;
  private final List<SiteResult> sites = new ArrayList<>();

  /** Compares {@code a} with {@code b} using a noise band of ±{@code noise} (0.10 is 10%). */
  public Comparison(Report a, Report b, double noise) {
    this.reportA = a;
    this.reportB = b;
    this.noise = noise;
    Map<String, SiteSnapshot> inA = byKey(a);
    Map<String, SiteSnapshot> inB = byKey(b);
    for (Map.Entry<String, SiteSnapshot> e : inA.entrySet()) {
      SiteSnapshot other = inB.get(e.getKey());
      sites.add(other == null ? single(e.getKey(), e.getValue(), null)
          : judge(e.getKey(), e.getValue(), other));
    }
    for (Map.Entry<String, SiteSnapshot> e : inB.entrySet()) {
      if (!inA.containsKey(e.getKey())) {
        sites.add(single(e.getKey(), null, e.getValue()));
      }
    }
    sites.sort(Comparator.comparingInt((SiteResult r) -> r.verdict().ordinal())
        .thenComparing(r -> -(Double.isNaN(r.worstRatio()) ? 0 : r.worstRatio()))
        .thenComparing(SiteResult::key));
  }

  /** Report A. */
  public Report a() { return reportA; }

  /** Report B. */
  public Report b() { return reportB; }

  /** The noise band (0.10 for ±10%). */
  public double noise() { return noise; }

  /** Every site key of either report: worse first, then better, within noise, only in A, only in B. */
  public List<SiteResult> sites() { return sites; }

  /** Sites whose ratio exceeds {@code bound}. */
  public List<SiteResult> exceeding(double bound) {
    List<SiteResult> out = new ArrayList<>();
    for (SiteResult r : sites) {
      if (!Double.isNaN(r.worstRatio()) && r.worstRatio() > bound) {
        out.add(r);
      }
    }
    return out;
  }

  /** The rule, in words, for the output. */
  public String rule() {
    return Fmt.f("Verdict rule: per site two measures are judged when both runs have enough "
        + "samples: probe length (all probe.* together, >= %d operations per run) by its mean "
        + "and p99; pauses (evac.step.ns + grow.start.ns + resize.ns together, >= %d per run) by "
        + "their total and p99. A measure is worse when both figures rose beyond +%.0f%% "
        + "(B/A > %.2f), better when both fell beyond it (B/A < %.3f), mixed (neither) when they "
        + "moved apart. A site is worse when any "
        + "measure is worse, better when any is better and none worse, otherwise within noise. "
        + "Ratios are B/A; a site's ratio is the largest over its measures of the smaller "
        + "figure ratio.", MIN_PROBE_SAMPLES, MIN_PAUSE_SAMPLES, noise * 100, 1 + noise,
        1 / (1 + noise));
  }

  /** Sites by key; one key recorded twice (two class loaders of one class) counts as one site. */
  private static Map<String, SiteSnapshot> byKey(Report r) {
    Map<String, SiteSnapshot> m = new LinkedHashMap<>();
    for (SiteSnapshot s : r.sites()) {
      m.merge(s.site().key(), s, Merger::combine);
    }
    return m;
  }

  private static SiteResult single(String key, SiteSnapshot a, SiteSnapshot b) {
    return new SiteResult(key, a, b, a == null ? Verdict.ONLY_B : Verdict.ONLY_A, Double.NaN,
        List.of(), List.of());
  }

  private SiteResult judge(String key, SiteSnapshot a, SiteSnapshot b) {
    List<Measure> measures = new ArrayList<>();
    Histogram pa = Hist.union(a, Hist.PROBES);
    Histogram pb = Hist.union(b, Hist.PROBES);
    measures.add(new Measure("probe length", "slots", "mean", mean(pa), mean(pb), "p99",
        Hist.at(pa, 99), Hist.at(pb, 99), pa.getTotalCount(), pb.getTotalCount(),
        pa.getTotalCount() >= MIN_PROBE_SAMPLES && pb.getTotalCount() >= MIN_PROBE_SAMPLES));
    Histogram sa = Hist.union(a, Hist.PAUSES);
    Histogram sb = Hist.union(b, Hist.PAUSES);
    measures.add(new Measure("pauses", "ns", "total", Hist.sum(sa), Hist.sum(sb), "p99",
        Hist.at(sa, 99), Hist.at(sb, 99), sa.getTotalCount(), sb.getTotalCount(),
        sa.getTotalCount() >= MIN_PAUSE_SAMPLES && sb.getTotalCount() >= MIN_PAUSE_SAMPLES));
    boolean worse = false;
    boolean better = false;
    double worst = Double.NaN;
    List<String> reasons = new ArrayList<>();
    for (Measure m : measures) {
      if (!m.judged()) {
        continue;
      }
      double up = m.worseRatio();
      double down = Math.max(m.ratio1(), m.ratio2());
      worst = Double.isNaN(worst) ? up : Math.max(worst, up);
      String figures = Fmt.f("%s %s -> %s (%s), %s %s -> %s (%s)", m.figure1(),
          Fmt.mean(m.a1(), m.unit()), Fmt.mean(m.b1(), m.unit()), Fmt.ratio(m.ratio1()),
          m.figure2(), Fmt.value(m.a2(), m.unit()), Fmt.value(m.b2(), m.unit()),
          Fmt.ratio(m.ratio2()));
      if (up > 1 + noise) {
        worse = true;
        reasons.add(m.name() + " worse: " + figures);
      } else if (down < 1 / (1 + noise)) {
        better = true;
        reasons.add(m.name() + " better: " + figures);
      } else if (Math.max(m.ratio1(), m.ratio2()) > 1 + noise
          && Math.min(m.ratio1(), m.ratio2()) < 1 / (1 + noise)) {
        reasons.add(m.name() + " mixed, counted as neither: " + figures);
      } else {
        reasons.add(m.name() + " within noise: " + figures);
      }
    }
    if (Double.isNaN(worst)) {
      reasons.add("too few samples in one run to judge");
    }
    Verdict v = worse ? Verdict.WORSE : better ? Verdict.BETTER : Verdict.NOISE;
    return new SiteResult(key, a, b, v, worst, measures, reasons);
  }

  private static double mean(Histogram h) {
    return h.getTotalCount() == 0 ? 0 : h.getMean();
  }

  /** B/A: 1 when both are 0, infinite when only A is 0. */
  static double ratio(double a, double b) {
    if (a == 0) {
      return b == 0 ? 1 : Double.POSITIVE_INFINITY;
    }
    return b / a;
  }
}
