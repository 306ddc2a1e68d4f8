package dev.tophash.reports.cli;

import dev.tophash.reports.AtomicFiles;
import dev.tophash.reports.IntervalSeries;
import dev.tophash.reports.Merger;
import dev.tophash.reports.Report;
import dev.tophash.reports.ReportFileException;
import dev.tophash.reports.ReportWriter;
import dev.tophash.reports.compare.CompareText;
import dev.tophash.reports.hgrm.HgrmWriter;
import dev.tophash.reports.compare.Comparison;
import dev.tophash.reports.html.HtmlReport;
import dev.tophash.reports.json.JsonReport;
import dev.tophash.reports.text.SummaryText;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code report}, {@code compare} and {@code merge} commands, reached through the agent jar
 * ({@code java -jar tophash-agent.jar compare A.json B.json}). Exit codes: 0 success, 1
 * {@code --fail-if-worse} tripped, 2 usage or input error (with one line naming the file and the
 * problem).
 */
public final class ReportsCli {
  /** Exit code: done. */
  public static final int OK = 0;
  /** Exit code: compare found a site beyond {@code --fail-if-worse}. */
  public static final int WORSE = 1;
  /** Exit code: bad usage, or an input that cannot be read. */
  public static final int USAGE = 2;

  static final String REPORT_HELP = String.join("\n",
      "usage: report <report.json> [--html <out.html>] [--text <out.txt>] [--dir <dir>]",
      "              [--hgrm <dir>]",
      "",
      "Regenerates the summary text from a report.json (or a report directory) and prints it",
      "(or writes it to --text).",
      "  --html <file>  also write the HTML page (its time series come from an intervals.hlog",
      "                 next to report.json, when there is one)",
      "  --text <file>  write the summary to a file instead of standard output",
      "  --dir <dir>    write every format (summary.txt, report.json, hgrm/, report.html) there",
      "  --hgrm <dir>   write the HdrHistogram percentile files (one per site and metric, and",
      "                 index.txt) as the directory <dir>, e.g. <report dir>/hgrm",
      "");
  static final String COMPARE_HELP = String.join("\n",
      "usage: compare <A.json> <B.json> [--html <out.html>] [--fail-if-worse=<ratio>]",
      "               [--noise=<fraction>]",
      "",
      "A/B comparison of two reports (report.json files, or the report directories holding",
      "them), sites matched by their stable key class#method:line.",
      "Prints, per site, a verdict (worse / better / within noise) with the rule used, the",
      "growth pauses of both runs side by side (impl=hashmap resize.ns beside impl=tophash",
      "evac.step.ns and grow.*), and per metric the percentiles of A and B, B-A and B/A.",
      "  --html <file>            also write an HTML page overlaying A and B distributions",
      "  --fail-if-worse=<ratio>  exit 1 when a site's ratio B/A exceeds <ratio> (e.g. 1.2)",
      "  --noise=<fraction>       the noise band of the verdict, default 0.10 (+-10%)",
      "Exit codes: 0 compared, 1 --fail-if-worse tripped, 2 usage or input error.",
      "");
  static final String MERGE_HELP = String.join("\n",
      "usage: merge <out.json> <in.json>...",
      "",
      "Merges the reports of many JVMs (one fleet) into one report: sites matched by stable",
      "key, histograms added, counters summed, the runs listed as members.",
      "");

  private ReportsCli() {}

  /** Runs the CLI on its own ({@code java -cp ... dev.tophash.reports.cli.ReportsCli compare A B}). */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Whether {@code command} is one of this CLI's commands. */
  public static boolean handles(String command) {
    return "report".equals(command) || "compare".equals(command) || "merge".equals(command);
  }

  /** Runs one command ({@code args[0]}) and returns the process exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || !handles(args[0])) {
      err.println("tophash: expected one of: report, compare, merge (each takes --help)");
      return USAGE;
    }
    String cmd = args[0];
    try {
      Args a = Args.parse(cmd, args, cmdOptions(cmd));
      if (a.help) {
        out.print(help(cmd));
        return OK;
      }
      return switch (cmd) {
        case "report" -> report(a, out);
        case "compare" -> compare(a, out, err);
        default -> merge(a, out);
      };
    } catch (UsageException e) {
      err.println("tophash " + cmd + ": " + e.getMessage());
      err.print(help(cmd));
      return USAGE;
    } catch (ReportFileException e) {
      err.println("tophash " + cmd + ": " + e.getMessage());
      return USAGE;
    } catch (IOException e) {
      err.println("tophash " + cmd + ": " + e.getMessage());
      return USAGE;
    }
  }

  private static String help(String cmd) {
    return switch (cmd) {
      case "report" -> REPORT_HELP;
      case "compare" -> COMPARE_HELP;
      default -> MERGE_HELP;
    };
  }

  private static List<String> cmdOptions(String cmd) {
    return switch (cmd) {
      case "report" -> List.of("html", "text", "dir", "hgrm");
      case "compare" -> List.of("html", "fail-if-worse", "noise");
      default -> List.of();
    };
  }

  /* --- Commands --- */

  private static int report(Args a, PrintStream out) throws IOException {
    a.positionals(1, 1, "one report.json");
    Path file = Path.of(a.pos.get(0));
    Report r = JsonReport.read(file);
    Path hlog = siblingHlog(file);
    if (hlog != null) {
      try {
        r = r.withIntervals(IntervalSeries.read(hlog));
      } catch (IOException | RuntimeException e) {
        // the page is still worth writing without its time series
      }
    }
    String text = SummaryText.render(r);
    if (a.opts.containsKey("dir")) {
      ReportWriter.write(Path.of(a.opts.get("dir")), r);
    }
    if (a.opts.containsKey("hgrm")) {
      HgrmWriter.write(r, Path.of(a.opts.get("hgrm")));
    }
    boolean writesFiles = a.opts.containsKey("dir") || a.opts.containsKey("hgrm");
    if (a.opts.containsKey("text")) {
      AtomicFiles.writeString(Path.of(a.opts.get("text")), text);
    } else if (!writesFiles || a.opts.containsKey("html")) {
      out.print(text);
    }
    if (a.opts.containsKey("html")) {
      AtomicFiles.writeString(Path.of(a.opts.get("html")), HtmlReport.page(r, text));
    }
    return OK;
  }

  private static Path siblingHlog(Path json) {
    Path parent = Files.isDirectory(json) ? json : json.toAbsolutePath().getParent();
    Path hlog = parent == null ? null : parent.resolve(ReportWriter.HLOG);
    return hlog != null && Files.isRegularFile(hlog) ? hlog : null;
  }

  private static int compare(Args a, PrintStream out, PrintStream err) throws IOException {
    a.positionals(2, 2, "two reports, A.json and B.json");
    double bound = Double.NaN;
    if (a.opts.containsKey("fail-if-worse")) {
      bound = number(a.opts.get("fail-if-worse"), "--fail-if-worse");
      if (!(bound > 0)) {
        throw new UsageException("--fail-if-worse must be a ratio above 0, like 1.2");
      }
    }
    double noise = Comparison.DEFAULT_NOISE;
    if (a.opts.containsKey("noise")) {
      noise = number(a.opts.get("noise"), "--noise");
      if (!(noise >= 0)) {
        throw new UsageException("--noise must be a fraction of at least 0, like 0.1");
      }
    }
    Path pa = Path.of(a.pos.get(0));
    Path pb = Path.of(a.pos.get(1));
    Report ra = JsonReport.read(pa);
    Report rb = JsonReport.read(pb);
    Comparison c = new Comparison(ra, rb, noise);
    String text = CompareText.render(c, pa.toString(), pb.toString(), bound);
    out.print(text);
    if (a.opts.containsKey("html")) {
      AtomicFiles.writeString(Path.of(a.opts.get("html")), HtmlReport.comparePage(c, text));
    }
    if (!Double.isNaN(bound)) {
      List<Comparison.SiteResult> bad = c.exceeding(bound);
      if (!bad.isEmpty()) {
        err.println("tophash compare: " + bad.size() + " site(s) beyond --fail-if-worse="
            + a.opts.get("fail-if-worse") + ", the worst " + bad.get(0).key() + " at "
            + dev.tophash.reports.Fmt.ratio(bad.get(0).worstRatio()));
        return WORSE;
      }
    }
    return OK;
  }

  private static int merge(Args a, PrintStream out) throws IOException {
    a.positionals(2, Integer.MAX_VALUE, "an output file and at least one input report");
    Path target = Path.of(a.pos.get(0));
    List<Report> inputs = new ArrayList<>();
    for (String in : a.pos.subList(1, a.pos.size())) {
      Path p = Path.of(in);
      if (p.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
        throw new UsageException("the output " + target + " is also an input; name a new file");
      }
      inputs.add(JsonReport.read(p));
    }
    Report merged = Merger.merge(inputs);
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    AtomicFiles.writeBytes(target, o -> JsonReport.write(merged, o));
    out.println("merged " + inputs.size() + " reports (" + merged.run().members.size() + " JVMs, "
        + merged.sites().size() + " sites) into " + target);
    return OK;
  }

  private static double number(String s, String what) throws UsageException {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new UsageException(what + " expects a number, got \"" + s + "\"");
    }
  }

  /* --- Argument parsing --- */

  /** A usage error: printed with the command's help, exit code 2. */
  static final class UsageException extends IOException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Positional arguments and {@code --name value} / {@code --name=value} options. */
  static final class Args {
    final List<String> pos = new ArrayList<>();
    final Map<String, String> opts = new LinkedHashMap<>();
    boolean help;

    static Args parse(String cmd, String[] args, List<String> known) throws UsageException {
      Args a = new Args();
      for (int i = 1; i < args.length; i++) {
        String s = args[i];
        if (s.equals("--help") || s.equals("-h")) {
          a.help = true;
        } else if (s.equals("--")) {
          for (i++; i < args.length; i++) {
            a.pos.add(args[i]);
          }
        } else if (s.startsWith("--")) {
          int eq = s.indexOf('=');
          String name = eq < 0 ? s.substring(2) : s.substring(2, eq);
          if (!known.contains(name)) {
            throw new UsageException("unknown option --" + name
                + (known.isEmpty() ? "" : " (valid: --" + String.join(", --", known) + ")"));
          }
          String value;
          if (eq >= 0) {
            value = s.substring(eq + 1);
          } else if (i + 1 < args.length) {
            value = args[++i];
          } else {
            throw new UsageException("--" + name + " needs a value");
          }
          a.opts.put(name, value);
        } else {
          a.pos.add(s);
        }
      }
      return a;
    }

    void positionals(int min, int max, String what) throws UsageException {
      if (help) {
        return;
      }
      if (pos.size() < min || pos.size() > max) {
        throw new UsageException("expected " + what + ", got " + pos.size() + " argument"
            + (pos.size() == 1 ? "" : "s"));
      }
    }
  }
}
