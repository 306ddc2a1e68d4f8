package dev.tophash.reports;

import dev.tophash.map.Counter;
import dev.tophash.map.Metric;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteInfo;
import dev.tophash.map.SiteSnapshot;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * Merges reports of many JVMs (one fleet) into one: sites matched by stable key, histograms
 * added, counters summed; the run aggregated, with one {@link RunInfo#members member} per JVM.
 * Site ids are renumbered densely in first-seen order; site details come from the first report
 * that has the site.
 */
public final class Merger {
  private Merger() {}

  /** Merges {@code reports} (at least one). */
  public static Report merge(List<Report> reports) {
    if (reports.isEmpty()) {
      throw new IllegalArgumentException("nothing to merge");
    }
    Map<String, SiteInfo> infos = new LinkedHashMap<>();
    Map<String, long[]> counters = new LinkedHashMap<>();
    Map<String, EnumMap<Metric, Histogram>> hists = new LinkedHashMap<>();
    long start = Long.MAX_VALUE;
    long end = 0;
    Set<Integer> opSamples = new LinkedHashSet<>();
    Set<Integer> mapSamples = new LinkedHashSet<>();
    for (Report r : reports) {
      ProfileSnapshot s = r.snapshot();
      if (s.startEpochMillis() > 0) {
        start = Math.min(start, s.startEpochMillis());
      }
      end = Math.max(end, s.endEpochMillis());
      opSamples.add(s.opSample());
      mapSamples.add(s.mapSample());
      for (SiteSnapshot site : s.sites()) {
        String key = site.site().key();
        SiteInfo first = infos.get(key);
        if (first == null) {
          SiteInfo i = site.site();
          infos.put(key, new SiteInfo(infos.size(), i.className(), i.methodName(),
              i.methodDescriptor(), i.sourceFile(), i.line(), i.ordinal(), i.loaderName()));
          counters.put(key, new long[Counter.values().length]);
          hists.put(key, new EnumMap<>(Metric.class));
        }
        long[] c = counters.get(key);
        for (Counter k : Counter.values()) {
          c[k.ordinal()] += site.counter(k);
        }
        EnumMap<Metric, Histogram> hs = hists.get(key);
        for (Metric m : Metric.values()) {
          Histogram h = site.histogram(m);
          if (h.getTotalCount() > 0) {
            hs.computeIfAbsent(m, k -> SiteSnapshot.newHistogram()).add(h);
          }
        }
      }
    }
    List<SiteSnapshot> sites = new ArrayList<>();
    for (Map.Entry<String, SiteInfo> e : infos.entrySet()) {
      sites.add(new SiteSnapshot(e.getValue(), counters.get(e.getKey()), hists.get(e.getKey())));
    }
    RunInfo run = mergeRuns(reports);
    int opSample = opSamples.stream().max(Integer::compare).orElse(1);
    int mapSample = mapSamples.stream().max(Integer::compare).orElse(1);
    if (opSamples.size() > 1 || mapSamples.size() > 1) {
      run.notes.add("the merged runs sampled differently (operations 1 in " + opSamples
          + ", maps 1 in " + mapSamples + "): their figures were added as recorded");
    }
    ProfileSnapshot snap = new ProfileSnapshot(start == Long.MAX_VALUE ? 0 : start, end, false,
        opSample, mapSample, sites);
    return new Report(run, snap);
  }

  /** Two recordings of one site key (two class loaders, or two JVMs) as one: counters summed, histograms added. */
  public static SiteSnapshot combine(SiteSnapshot a, SiteSnapshot b) {
    long[] c = a.counters();
    for (Counter k : Counter.values()) {
      c[k.ordinal()] += b.counter(k);
    }
    EnumMap<Metric, Histogram> hs = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      Histogram h = SiteSnapshot.newHistogram();
      h.add(a.histogram(m));
      h.add(b.histogram(m));
      hs.put(m, h);
    }
    return new SiteSnapshot(a.site(), c, hs);
  }

  private static RunInfo mergeRuns(List<Report> reports) {
    RunInfo out = RunInfo.blank();
    for (Report r : reports) {
      RunInfo in = r.run();
      if (in.members.isEmpty()) {
        out.members.add(copyWithoutMembers(in));
      } else {
        for (RunInfo m : in.members) {
          out.members.add(copyWithoutMembers(m));
        }
      }
    }
    Set<String> jvms = new LinkedHashSet<>();
    Set<String> commands = new LinkedHashSet<>();
    Set<String> options = new LinkedHashSet<>();
    Set<String> impls = new LinkedHashSet<>();
    long start = Long.MAX_VALUE;
    for (RunInfo m : out.members) {
      jvms.add(m.jvm);
      commands.add(m.mainCommand);
      options.add(m.options);
      impls.add(m.impl);
      if (m.startEpochMillis > 0) {
        start = Math.min(start, m.startEpochMillis);
      }
      out.endEpochMillis = Math.max(out.endEpochMillis, m.endEpochMillis);
      out.attached |= m.attached;
      out.classesRewritten += m.classesRewritten;
      out.classesSkipped += m.classesSkipped;
      out.classesFailed += m.classesFailed;
      out.sitesRewritten += m.sitesRewritten;
    }
    out.startEpochMillis = start == Long.MAX_VALUE ? 0 : start;
    out.jvm = jvms.size() == 1 ? jvms.iterator().next() : jvms.size() + " different JVMs";
    out.mainCommand = commands.size() == 1 ? commands.iterator().next()
        : commands.size() + " different commands";
    out.options = options.size() == 1 ? options.iterator().next()
        : options.size() + " different option strings";
    out.impl = impls.size() == 1 ? impls.iterator().next() : "mixed";
    out.pid = 0;
    Set<String> notes = new LinkedHashSet<>();
    for (Report r : reports) {
      for (String n : r.run().notes) {
        if (!n.startsWith("merged from ")) {
          notes.add(n);
        }
      }
    }
    out.notes.add("merged from " + reports.size() + " reports of " + out.members.size()
        + " JVMs; class and site counts are summed over them");
    out.notes.addAll(notes);
    return out;
  }

  private static RunInfo copyWithoutMembers(RunInfo in) {
    RunInfo c = RunInfo.blank();
    c.jvm = in.jvm;
    c.pid = in.pid;
    c.mainCommand = in.mainCommand;
    c.startEpochMillis = in.startEpochMillis;
    c.endEpochMillis = in.endEpochMillis;
    c.options = in.options;
    c.impl = in.impl;
    c.attached = in.attached;
    c.classesRewritten = in.classesRewritten;
    c.classesSkipped = in.classesSkipped;
    c.classesFailed = in.classesFailed;
    c.sitesRewritten = in.sitesRewritten;
    c.notes.addAll(in.notes);
    return c;
  }
}
