package dev.tophash.reports.html;

import dev.tophash.map.Counter;
import dev.tophash.map.Metric;
import dev.tophash.map.SiteSnapshot;
import dev.tophash.reports.Hist;
import dev.tophash.reports.IntervalSeries;
import dev.tophash.reports.Report;
import dev.tophash.reports.SiteAnalysis;
import dev.tophash.reports.compare.Comparison;
import dev.tophash.reports.json.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Writes {@code report.html}: the template resource {@code report.html} with its marker comments
 * {@code TITLE} and {@code DATA} filled, the data being one JSON object the page's script draws
 * from (async-profiler's {@code flame.html} approach). No network: styles, script and data are
 * all inside the page.
 *
 * <p>The data: {@code mode} ({@code report} or {@code compare}), {@code text} (the summary or
 * compare text), {@code columns} and {@code rows} of the sortable site table, and {@code sites},
 * each with its {@code charts}. A chart has a title, a unit, {@code kind} ({@code percentile}:
 * points are [percentile, value]; {@code time}: points are [seconds, value]), {@code logY} and
 * its series ({@code name}, {@code arm} "A", "B" or "", {@code points}).
 */
public final class HtmlReport {
  /** Sites drawn with charts; the table still lists every site. */
  public static final int CHARTED_SITES = 60;
  /** Ticks per half distance of the percentile plots, as {@code outputPercentileDistribution}. */
  static final int TICKS = 5;

  private static final String TITLE_MARK = "<!--TITLE-->";
  private static final String DATA_MARK = "/*DATA*/";

  /** The chart groups: metrics plotted together, with the group's title, unit and y scale. */
  enum Group {
    PROBES("probe length", "slots", false, Hist.PROBES),
    FALSEPOS("false positives", "equals calls per op", false, Hist.FALSEPOS),
    TOMBSTONES("tombstones", "slots", false, Metric.TOMBSTONES, Metric.EVAC_RECLAIMED),
    TOMB_SHARE("tombstone share", "per mille", false, Metric.TOMBSTONE_PERMILLE),
    PAUSES("pauses and grows", "ns", true, Metric.EVAC_STEP_NANOS, Metric.GROW_START_NANOS,
        Metric.GROW_TOTAL_NANOS, Metric.RESIZE_NANOS),
    GROWS("grow length", "writes / buckets", false, Metric.GROW_WRITES, Metric.GROW_OVERFLOW),
    SIZES("map sizes", "entries", true, Metric.PEAK_SIZE, Metric.HINT),
    BUCKETS("bucket count", "B (log2)", false, Metric.FINAL_B);

    final String title;
    final String unit;
    final boolean logY;
    final Metric[] metrics;

    Group(String title, String unit, boolean logY, Metric... metrics) {
      this.title = title;
      this.unit = unit;
      this.logY = logY;
      this.metrics = metrics;
    }
  }

  private HtmlReport() {}

  /** The page of one report whose summary text is {@code summary}; ASCII only. */
  public static String page(Report report, String summary) throws IOException {
    List<SiteAnalysis> ranked = report.ranked();
    double total = 0;
    for (SiteAnalysis a : ranked) {
      total += a.costNanos();
    }
    StringBuilder json = new StringBuilder(65536);
    JsonWriter g = startData(json, "report", "tophash report", summary);
    column(g, "rank", "num");
    column(g, "site", "text");
    column(g, "cost (ns)", "ns");
    column(g, "share", "pct");
    column(g, "maps", "num");
    column(g, "operations", "num");
    column(g, "probe mean", "num");
    column(g, "probe p99", "num");
    column(g, "tombstones p90 (\u2030)", "num");
    column(g, "pauses (ns)", "ns");
    column(g, "advice", "num");
    g.writeEndArray();
    g.writeArrayFieldStart("rows");
    for (int i = 0; i < ranked.size(); i++) {
      SiteAnalysis a = ranked.get(i);
      SiteSnapshot s = a.site();
      g.writeStartArray();
      g.writeNumber(i + 1);
      g.writeString(s.site().key());
      g.writeNumber(Math.round(a.costNanos()));
      g.writeNumber(total == 0 ? 0 : a.costNanos() / total);
      g.writeNumber(s.counter(Counter.MAPS));
      g.writeNumber(a.countedOperations());
      numOrNull(g, a.operations() == 0 ? Double.NaN : round2(a.meanProbe()));
      numOrNull(g, a.operations() == 0 ? Double.NaN : Hist.at(a.probes(), 99));
      Histogram tomb = s.histogram(Metric.TOMBSTONE_PERMILLE);
      numOrNull(g, tomb.getTotalCount() == 0 ? Double.NaN : Hist.at(tomb, 90));
      g.writeNumber(Math.round(a.pauseNanos()));
      g.writeNumber(a.advice().size());
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("sites");
    for (int i = 0; i < Math.min(CHARTED_SITES, ranked.size()); i++) {
      SiteAnalysis a = ranked.get(i);
      g.writeStartObject();
      g.writeStringField("key", a.site().site().key());
      g.writeStringField("heading", "#" + (i + 1) + " " + a.site().site().key());
      g.writeArrayFieldStart("notes");
      for (String adv : a.advice()) {
        g.writeString(adv);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("charts");
      charts(g, a.site(), null, report.intervals(), false);
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    return fill("tophash report", json);
  }

  /** The page of a comparison whose text is {@code text}, A and B overlaid per site; ASCII only. */
  public static String comparePage(Comparison cmp, String text) throws IOException {
    StringBuilder json = new StringBuilder(65536);
    JsonWriter g = startData(json, "compare", "tophash compare", text);
    column(g, "site", "text");
    column(g, "verdict", "text");
    column(g, "worst ratio B/A", "num");
    column(g, "probe mean A", "num");
    column(g, "probe mean B", "num");
    column(g, "probe p99 A", "num");
    column(g, "probe p99 B", "num");
    column(g, "pauses A (ns)", "ns");
    column(g, "pauses B (ns)", "ns");
    g.writeEndArray();
    g.writeArrayFieldStart("rows");
    for (Comparison.SiteResult r : cmp.sites()) {
      g.writeStartArray();
      g.writeString(r.key());
      g.writeString(r.verdictText());
      if (Double.isNaN(r.worstRatio()) || Double.isInfinite(r.worstRatio())) {
        g.writeNull();
      } else {
        g.writeNumber(round2(r.worstRatio()));
      }
      probeCells(g, r.a(), r.b());
      numOrNull(g, r.a() == null ? Double.NaN : Math.round(new SiteAnalysis(r.a()).pauseNanos()));
      numOrNull(g, r.b() == null ? Double.NaN : Math.round(new SiteAnalysis(r.b()).pauseNanos()));
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("sites");
    int n = 0;
    for (Comparison.SiteResult r : cmp.sites()) {
      if (n++ >= CHARTED_SITES) {
        break;
      }
      g.writeStartObject();
      g.writeStringField("key", r.key());
      g.writeStringField("heading", r.key() + "  [" + r.verdictText() + "]");
      g.writeArrayFieldStart("notes");
      for (String reason : r.reasons()) {
        g.writeString(reason);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("charts");
      charts(g, r.a(), r.b(), null, true);
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    return fill("tophash compare", json);
  }

  private static void probeCells(JsonWriter g, SiteSnapshot a, SiteSnapshot b) throws IOException {
    SiteAnalysis x = a == null ? null : new SiteAnalysis(a);
    SiteAnalysis y = b == null ? null : new SiteAnalysis(b);
    numOrNull(g, x == null || x.operations() == 0 ? Double.NaN : round2(x.meanProbe()));
    numOrNull(g, y == null || y.operations() == 0 ? Double.NaN : round2(y.meanProbe()));
    numOrNull(g, x == null || x.operations() == 0 ? Double.NaN : Hist.at(x.probes(), 99));
    numOrNull(g, y == null || y.operations() == 0 ? Double.NaN : Hist.at(y.probes(), 99));
  }

  /** Starts the page's data object: mode, title and text, then the array of columns. */
  private static JsonWriter startData(StringBuilder json, String mode, String title, String text)
      throws IOException {
    JsonWriter g = JsonWriter.forScript(json);
    g.writeStartObject();
    g.writeStringField("mode", mode);
    g.writeStringField("title", title);
    g.writeStringField("text", text);
    g.writeArrayFieldStart("columns");
    return g;
  }

  private static void numOrNull(JsonWriter g, double v) throws IOException {
    if (Double.isNaN(v)) {
      g.writeNull();
    } else {
      g.writeNumber(v);
    }
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static void column(JsonWriter g, String name, String type) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", name);
    g.writeStringField("type", type);
    g.writeEndObject();
  }

  /**
   * The percentile charts of a site (one run, or in {@code compare} mode A and B overlaid, either
   * of which may be null for a site in only one run), then its time series.
   */
  private static void charts(JsonWriter g, SiteSnapshot a, SiteSnapshot b,
      IntervalSeries series, boolean compare) throws IOException {
    for (Group grp : Group.values()) {
      List<Metric> present = new ArrayList<>();
      for (Metric m : grp.metrics) {
        if (informative(a, m) || informative(b, m)) {
          present.add(m);
        }
      }
      if (present.isEmpty()) {
        continue;
      }
      g.writeStartObject();
      g.writeStringField("title", grp.title + " by percentile");
      g.writeStringField("unit", grp.unit);
      g.writeStringField("kind", "percentile");
      g.writeBooleanField("logY", grp.logY);
      g.writeArrayFieldStart("series");
      for (Metric m : present) {
        if (!compare) {
          percentileSeries(g, m.tag(), "", a.histogram(m));
        } else {
          if (nonEmpty(a, m)) {
            percentileSeries(g, "A " + m.tag(), "A", a.histogram(m));
          }
          if (nonEmpty(b, m)) {
            percentileSeries(g, "B " + m.tag(), "B", b.histogram(m));
          }
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    if (series == null || series.isEmpty() || a == null) {
      return;
    }
    String key = a.site().key();
    for (Group grp : Group.values()) {
      List<Metric> present = new ArrayList<>();
      for (Metric m : grp.metrics) {
        for (IntervalSeries.Point p : series.points(key, m)) {
          if (p.max() > 0) {
            present.add(m);
            break;
          }
        }
      }
      if (present.isEmpty()) {
        continue;
      }
      g.writeStartObject();
      g.writeStringField("title", grp.title + " per interval");
      g.writeStringField("unit", grp.unit);
      g.writeStringField("kind", "time");
      g.writeBooleanField("logY", grp.logY);
      g.writeArrayFieldStart("series");
      for (Metric m : present) {
        for (int which = 0; which < 2; which++) {
          g.writeStartObject();
          g.writeStringField("name", m.tag() + (which == 0 ? " p99" : " max"));
          g.writeStringField("arm", which == 0 ? "" : "max");
          g.writeArrayFieldStart("points");
          for (IntervalSeries.Point p : series.points(key, m)) {
            g.writeStartArray();
            g.writeNumber(p.endSec());
            g.writeNumber(which == 0 ? p.p99() : p.max());
            g.writeEndArray();
          }
          g.writeEndArray();
          g.writeEndObject();
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  /** Whether a metric has something to plot: recorded, and not only zeros. */
  private static boolean informative(SiteSnapshot s, Metric m) {
    return nonEmpty(s, m) && s.histogram(m).getMaxValue() > 0;
  }

  private static boolean nonEmpty(SiteSnapshot s, Metric m) {
    return s != null && s.histogram(m).getTotalCount() > 0;
  }

  /** One percentile series: [percentile in 0..100, value] as HdrHistogram iterates them. */
  private static void percentileSeries(JsonWriter g, String name, String arm, Histogram h)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("name", name);
    g.writeStringField("arm", arm);
    g.writeArrayFieldStart("points");
    for (HistogramIterationValue v : h.percentiles(TICKS)) {
      g.writeStartArray();
      g.writeNumber(v.getPercentileLevelIteratedTo());
      g.writeNumber(v.getValueIteratedTo());
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * The template filled with the title and the data, which {@link JsonWriter#forScript} escaped:
   * nothing in it can end the script element.
   */
  private static String fill(String title, CharSequence json) throws IOException {
    String template = template();
    int t = template.indexOf(TITLE_MARK);
    int d = template.indexOf(DATA_MARK);
    if (t < 0 || d < t) {
      throw new IOException("the report.html template lacks its markers");
    }
    return new StringBuilder(template.length() + title.length() + json.length())
        .append(template, 0, t)
        .append(title)
        .append(template, t + TITLE_MARK.length(), d)
        .append(json)
        .append(template, d + DATA_MARK.length(), template.length())
        .toString();
  }

  private static String template() {
    try (InputStream in = HtmlReport.class.getResourceAsStream("report.html")) {
      if (in == null) {
        throw new IllegalStateException("report.html template missing from the reports jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
