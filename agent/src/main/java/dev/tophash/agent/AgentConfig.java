package dev.tophash.agent;

import dev.tophash.agent.transform.ClassFilter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's options, parsed once and immutable.
 *
 * <p>Options are {@code key=value} pairs separated by commas, given after the jar on the
 * command line or to the {@code attach} command:
 *
 * <pre>
 *   java -javaagent:tophash-agent.jar=report=/tmp/run1,sample=16,interval=5s -jar app.jar
 *   java -jar tophash-agent.jar attach 12345 report=/tmp/run2,include=com.shop.*
 * </pre>
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code report=DIR}</td><td>{@code tophash-report-%p}</td><td>Directory the reports are
 *       written to at shutdown, on {@code dump} and on {@code detach}; relative to the working
 *       directory of the profiled JVM; {@code %p} is replaced by its pid.</td></tr>
 *   <tr><td>{@code include=PATTERNS}</td><td>(everything)</td><td>Only classes matching one of
 *       these patterns are rewritten. Patterns are separated by {@code ;} or {@code |}; a pattern
 *       is a class name ({@code com.shop.Cart}), a package prefix ({@code com.shop.*}, which
 *       covers sub-packages) or a class-name prefix ({@code com.shop.Cart*}).</td></tr>
 *   <tr><td>{@code exclude=PATTERNS}</td><td>(nothing)</td><td>Classes matching one of these
 *       patterns are never rewritten; wins over {@code include}.</td></tr>
 *   <tr><td>{@code jdk=true|false}</td><td>{@code false}</td><td>Also rewrite JDK classes (the
 *       maps inside {@code HashSet}, {@code Collectors}, ...), attributed to the JDK class,
 *       method and line. Class loading, {@code java.lang}, concurrency, I/O and JDK internals
 *       stay excluded.</td></tr>
 *   <tr><td>{@code sample=N}</td><td>1</td><td>Record 1 in N operations of a tracked map.</td></tr>
 *   <tr><td>{@code maps=N}</td><td>1</td><td>Track 1 in N maps per site; the others keep HashMap's own algorithm.</td></tr>
 *   <tr><td>{@code record=on|off}</td><td>{@code on}</td><td>{@code off} still replaces the maps
 *       but records nothing: the overhead of the map alone.</td></tr>
 *   <tr><td>{@code interval=DURATION}</td><td>{@code 10s}</td><td>Period of the interval log
 *       {@code DIR/intervals.hlog} ({@code 500ms}, {@code 10s}, {@code 1m}; a bare number is
 *       seconds); {@code 0} or {@code off} disables it.</td></tr>
 *   <tr><td>{@code hgrm=on|off}</td><td>{@code off}</td><td>Also write {@code DIR/hgrm/}, one
 *       HdrHistogram percentile-distribution file per site and metric, with every report. Off by
 *       default because a large application's hundreds of files were the largest part of the
 *       report's cost at exit; {@code report <report.json> --hgrm <dir>} writes them from the
 *       report afterwards.</td></tr>
 *   <tr><td>{@code impl=tophash|hashmap}</td><td>{@code tophash}</td><td>{@code tophash} allocates
 *       {@code TophashMap}; {@code hashmap} allocates {@code RecordingHashMap}, HashMap's own
 *       algorithm with allocation, operation, size and resize recording: the A arm of an A/B
 *       comparison.</td></tr>
 *   <tr><td>{@code races=count|throw}</td><td>{@code count}</td><td>What a detected concurrent
 *       write does: counted per site, or thrown as a
 *       {@code ConcurrentModificationException}.</td></tr>
 *   <tr><td>{@code verbose}</td><td>off</td><td>Log every rewritten, skipped or failed class and
 *       every report written, on stderr.</td></tr>
 *   <tr><td>{@code help}</td><td></td><td>Print this list on stderr and do not install.</td></tr>
 * </table>
 *
 * <p>An unknown or malformed option is refused with one message on stderr that names it and the
 * valid options; the agent then does not install, and the application runs unchanged.
 */
public final class AgentConfig {
  /** The default report directory, relative to the working directory; {@code %p} is the pid. */
  public static final String DEFAULT_REPORT = "tophash-report-%p";
  /** The default interval-log period. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  /** The implementations a site can be rewritten to. */
  public enum Impl {
    /** {@code dev.tophash.map.TophashMap}: Go's map, with probe, tombstone and evacuation recording. */
    TOPHASH("dev/tophash/map/TophashMap"),
    /** {@code dev.tophash.map.RecordingHashMap}: HashMap's algorithm, with resize recording. */
    HASHMAP("dev/tophash/map/RecordingHashMap");

    private final String internalName;

    Impl(String internalName) {
      this.internalName = internalName;
    }

    /** The internal name of the class rewritten sites allocate. */
    public String internalName() { return internalName; }

    /** The option value naming this implementation. */
    public String optionValue() { return name().toLowerCase(Locale.ROOT); }
  }

  /** Every option, in the order help lists them, with a one-line description. */
  static final Map<String, String> OPTIONS;

  static {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("report=DIR", "report directory (default " + DEFAULT_REPORT + ", %p = pid)");
    o.put("include=PATTERNS", "only rewrite these classes: com.foo.* (package), com.foo.Bar, "
        + "com.foo.Ba*; separated by ; or |");
    o.put("exclude=PATTERNS", "never rewrite these classes (same patterns; wins over include)");
    o.put("jdk=true|false", "also rewrite JDK classes such as HashSet and Collectors (default false)");
    o.put("sample=N", "record 1 in N operations of a tracked map (default 1)");
    o.put("maps=N", "track 1 in N maps per site; the others keep HashMap's own algorithm (default 1)");
    o.put("record=on|off", "off replaces the maps but records nothing (default on)");
    o.put("interval=DURATION", "interval log period, e.g. 500ms, 10s, 1m; 0 or off disables "
        + "(default 10s)");
    o.put("hgrm=on|off", "also write hgrm/ (HdrHistogram percentile files per site and metric) "
        + "with every report; otherwise `report <report.json> --hgrm <dir>` makes them (default off)");
    o.put("impl=tophash|hashmap", "allocate TophashMap, or RecordingHashMap for the HashMap "
        + "arm of an A/B (default tophash)");
    o.put("races=count|throw", "count detected concurrent writes, or throw "
        + "ConcurrentModificationException (default count)");
    o.put("verbose", "log rewritten, skipped and failed classes, and each report written, on stderr");
    o.put("help", "print these options and do not install");
    OPTIONS = Collections.unmodifiableMap(o);
  }

  private final String raw;
  private final String reportPattern;
  private final List<String> includes;
  private final List<String> excludes;
  private final boolean jdk;
  private final int sample;
  private final int maps;
  private final boolean record;
  private final Duration interval;
  private final boolean hgrm;
  private final Impl impl;
  private final boolean racesThrow;
  private final boolean verbose;
  private final boolean help;

  private AgentConfig(String raw, Map<String, String> v) {
    this.raw = raw;
    this.reportPattern = v.getOrDefault("report", DEFAULT_REPORT);
    this.includes = patterns("include", v.get("include"));
    this.excludes = patterns("exclude", v.get("exclude"));
    this.jdk = bool("jdk", v.getOrDefault("jdk", "false"));
    this.sample = positive("sample", v.getOrDefault("sample", "1"));
    this.maps = positive("maps", v.getOrDefault("maps", "1"));
    this.record = bool("record", v.getOrDefault("record", "on"));
    this.interval = duration("interval", v.get("interval"));
    this.hgrm = bool("hgrm", v.getOrDefault("hgrm", "off"));
    this.impl = impl(v.getOrDefault("impl", "tophash"));
    this.racesThrow = races(v.getOrDefault("races", "count"));
    this.verbose = v.containsKey("verbose") && bool("verbose", v.get("verbose"));
    this.help = v.containsKey("help");
    if (reportPattern.isBlank()) {
      throw new IllegalArgumentException("report= needs a directory");
    }
  }

  /** The defaults: what {@code -javaagent:tophash-agent.jar} with no options means. */
  public static AgentConfig defaults() {
    return parse("");
  }

  /**
   * Parses an option string.
   *
   * @param options {@code key=value,...}, or null or empty for the defaults
   * @throws IllegalArgumentException naming the offending option; its message is meant for people
   */
  public static AgentConfig parse(String options) {
    String raw = options == null ? "" : options.trim();
    Map<String, String> values = new LinkedHashMap<>();
    if (!raw.isEmpty()) {
      for (String part : raw.split(",", -1)) {
        String item = part.trim();
        if (item.isEmpty()) {
          throw new IllegalArgumentException("empty option in \"" + raw + "\"");
        }
        int eq = item.indexOf('=');
        String key = (eq < 0 ? item : item.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
        String value = eq < 0 ? null : item.substring(eq + 1).trim();
        if (!isKnown(key)) {
          throw new IllegalArgumentException("unknown option \"" + key + "\"");
        }
        if (values.containsKey(key)) {
          throw new IllegalArgumentException("option \"" + key + "\" given twice");
        }
        if (value == null && !key.equals("verbose") && !key.equals("help")) {
          throw new IllegalArgumentException("option \"" + key + "\" needs a value: " + usageOf(key));
        }
        values.put(key, value == null ? "true" : value);
      }
    }
    return new AgentConfig(raw, values);
  }

  private static boolean isKnown(String key) {
    for (String k : OPTIONS.keySet()) {
      int eq = k.indexOf('=');
      if ((eq < 0 ? k : k.substring(0, eq)).equals(key)) {
        return true;
      }
    }
    return false;
  }

  private static String usageOf(String key) {
    for (String k : OPTIONS.keySet()) {
      if (k.startsWith(key + "=")) {
        return k;
      }
    }
    return key;
  }

  /** The text {@code help} prints: every option with its meaning, and the attach notes. */
  public static String helpText() {
    StringBuilder sb = new StringBuilder();
    sb.append("tophash agent options (comma-separated), e.g.\n")
        .append("  java -javaagent:tophash-agent.jar=report=out,sample=16 -jar app.jar\n");
    for (Map.Entry<String, String> e : OPTIONS.entrySet()) {
      sb.append(String.format(Locale.ROOT, "  %-22s %s%n", e.getKey(), e.getValue()));
    }
    sb.append("Attaching to a running JVM (java -jar tophash-agent.jar attach <pid> [options]) on\n")
        .append("JDK 21 and later prints a warning in that JVM that an agent was loaded dynamically\n")
        .append("(JEP 451). It is only a warning; start the JVM with -XX:+EnableDynamicAgentLoading\n")
        .append("to allow dynamic loading silently. Maps created before attach stay HashMaps.\n");
    return sb.toString();
  }

  /** One line naming the valid option keys, for error messages. */
  public static String validOptions() {
    return String.join(", ", OPTIONS.keySet());
  }

  private static List<String> patterns(String key, String value) {
    if (value == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String p : value.split("[;|]")) {
      String t = p.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (!ClassFilter.isValidPattern(t)) {
        throw new IllegalArgumentException(key + "= pattern \"" + t + "\" is not a class name, "
            + "package prefix (com.foo.*) or class prefix (com.foo.Ba*)");
      }
      out.add(t);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(key + "= needs at least one pattern");
    }
    return List.copyOf(out);
  }

  private static boolean bool(String key, String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true": case "on": case "yes":
        return true;
      case "false": case "off": case "no":
        return false;
      default:
        throw new IllegalArgumentException(key + "=" + value + " is not on/off or true/false");
    }
  }

  private static int positive(String key, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(key + "=" + value + " is not a whole number >= 1");
  }

  /** Parses {@code 500ms}, {@code 10s}, {@code 2m}, a bare number of seconds, {@code 0} or {@code off}. */
  static Duration duration(String key, String value) {
    if (value == null) {
      return DEFAULT_INTERVAL;
    }
    String v = value.toLowerCase(Locale.ROOT);
    if (v.equals("off") || v.equals("0")) {
      return Duration.ZERO;
    }
    try {
      Duration d;
      if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      } else if (v.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      } else {
        d = Duration.ofSeconds(Long.parseLong(v));
      }
      if (d.isNegative() || (!d.isZero() && d.toMillis() < 10)) {
        throw new IllegalArgumentException(key + "=" + value + " is shorter than 10ms");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "=" + value
          + " is not a duration such as 500ms, 10s, 1m, or off");
    }
  }

  private static Impl impl(String value) {
    for (Impl i : Impl.values()) {
      if (i.optionValue().equals(value.toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    throw new IllegalArgumentException("impl=" + value + " is not tophash or hashmap");
  }

  private static boolean races(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "count":
        return false;
      case "throw":
        return true;
      default:
        throw new IllegalArgumentException("races=" + value + " is not count or throw");
    }
  }

  /** The option string as given (empty for the defaults). */
  public String raw() { return raw; }

  /** The report directory as given, {@code %p} not yet replaced. */
  public String reportPattern() { return reportPattern; }

  /** The report directory for the process {@code pid}, made absolute against the working directory. */
  public Path reportDir(long pid) {
    return Paths.get(reportPattern.replace("%p", Long.toString(pid))).toAbsolutePath().normalize();
  }

  /** {@code include=} patterns; empty means every class. */
  public List<String> includes() { return includes; }

  /** {@code exclude=} patterns. */
  public List<String> excludes() { return excludes; }

  /** Whether JDK classes are rewritten too. */
  public boolean jdk() { return jdk; }

  /** 1 in this many operations is recorded. */
  public int sample() { return sample; }

  /** 1 in this many maps per site is tracked. */
  public int maps() { return maps; }

  /** Whether maps record at all. */
  public boolean record() { return record; }

  /** The interval-log period; zero when disabled. */
  public Duration interval() { return interval; }

  /** Whether reports include {@code hgrm/}. */
  public boolean hgrm() { return hgrm; }

  /** What rewritten sites allocate. */
  public Impl impl() { return impl; }

  /** Whether a detected concurrent write throws. */
  public boolean racesThrow() { return racesThrow; }

  /** Whether to log each class and report on stderr. */
  public boolean verbose() { return verbose; }

  /** Whether only the option list was asked for. */
  public boolean help() { return help; }

  /** The filter these options describe. */
  public ClassFilter classFilter() {
    return new ClassFilter(includes, excludes, jdk);
  }

  @Override
  public String toString() {
    return "report=" + reportPattern + ",include=" + String.join(";", includes) + ",exclude="
        + String.join(";", excludes) + ",jdk=" + jdk + ",sample=" + sample + ",maps=" + maps
        + ",record=" + (record ? "on" : "off") + ",interval=" + interval.toMillis() + "ms,hgrm="
        + (hgrm ? "on" : "off") + ",impl="
        + impl.optionValue() + ",races=" + (racesThrow ? "throw" : "count")
        + (verbose ? ",verbose" : "");
  }
}
