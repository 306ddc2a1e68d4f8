package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What a finished JVM left behind: exit code, output, and the report directory of its agent. */
public final class RunResult {
  /** The agent's one start-up line. */
  public static final Pattern STARTUP_LINE = Pattern.compile(
      "tophash: profiling HashMap sites \\(impl=(tophash|hashmap)(, attached)?\\), report -> .+");
  /**
   * The warning HotSpot prints when a class-data-sharing JVM gets its bootstrap class path
   * appended to, which the agent does to put the map on it. Not the application's, not the
   * agent's own words; {@link #appStderr()} leaves it out and {@link #jvmNoise()} lists it.
   */
  public static final Pattern CDS_WARNING = Pattern.compile(
      ".*VM warning: Sharing is only supported for boot loader classes because bootstrap "
          + "classpath has been appended");

  private final List<String> command;
  private final int exitCode;
  private final String stdout;
  private final String stderr;
  private final Path reportDir;
  private final long millis;
  private final Path outputDir;
  private final long cpuMillis;

  RunResult(List<String> command, int exitCode, String stdout, String stderr, Path reportDir, long millis,
      Path outputDir, long cpuMillis) {
    this.outputDir = outputDir;
    this.cpuMillis = cpuMillis;
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
    this.reportDir = reportDir;
    this.millis = millis;
  }

  public int exitCode() {
    return exitCode;
  }

  public String stdout() {
    return stdout;
  }

  public String stderr() {
    return stderr;
  }

  /** The report directory (null for a run without the agent). */
  public Path reportDir() {
    return reportDir;
  }

  /** Wall time from start to exit. */
  public long millis() {
    return millis;
  }

  /** User + system CPU time of the JVM (see {@link JvmRun#childrenCpuMillis()}), or -1. */
  public long cpuMillis() {
    return cpuMillis;
  }

  public List<String> command() {
    return command;
  }

  /** The run's directory: its stdout and stderr files, and by default its working directory. */
  public Path outputDir() {
    return outputDir;
  }

  /** stderr's lines (no trailing empty line). */
  public List<String> stderrLines() {
    return lines(stderr);
  }

  /** Lines of stderr the agent wrote: those starting with {@code tophash}. */
  public List<String> agentLines() {
    List<String> out = new ArrayList<>();
    for (String l : stderrLines()) {
      if (l.startsWith("tophash")) {
        out.add(l);
      }
    }
    return out;
  }

  /** Lines of stderr the JVM wrote because of the agent (see {@link #CDS_WARNING}). */
  public List<String> jvmNoise() {
    List<String> out = new ArrayList<>();
    for (String l : stderrLines()) {
      if (CDS_WARNING.matcher(l).matches()) {
        out.add(l);
      }
    }
    return out;
  }

  /**
   * stderr's lines without the agent's start-up line and the JVM's CDS warning: what the
   * application wrote, to compare with the stderr of a run without the agent.
   */
  public List<String> appStderrLines() {
    List<String> out = new ArrayList<>();
    for (String l : stderrLines()) {
      if (!STARTUP_LINE.matcher(l).matches() && !CDS_WARNING.matcher(l).matches()) {
        out.add(l);
      }
    }
    return out;
  }

  /** Fails unless the agent's only line on stderr is its start-up line. */
  public RunResult assertOnlyStartupLine() {
    List<String> agent = agentLines();
    if (agent.size() != 1 || !STARTUP_LINE.matcher(agent.get(0)).matches()) {
      fail("expected exactly the agent's start-up line on stderr, got " + agent + "\n" + this);
    }
    return this;
  }

  public RunResult assertExitCode(int expected) {
    assertEquals(expected, exitCode, () -> "exit code of " + this);
    return this;
  }

  /** The text of a report file ({@code summary.txt}, ...), failing when it is missing. */
  public String reportFile(String name) {
    assertTrue(reportDir != null, "the run had no agent");
    Path p = reportDir.resolve(name);
    assertTrue(Files.isRegularFile(p), () -> p + " was not written; " + this);
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** summary.txt. */
  public String summary() {
    return reportFile("summary.txt");
  }

  /** report.json, parsed. */
  public Report report() {
    assertTrue(reportDir != null, "the run had no agent");
    return Report.read(reportDir.resolve("report.json"));
  }

  static List<String> lines(String s) {
    List<String> out = new ArrayList<>(List.of(s.split("\n", -1)));
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  @Override
  public String toString() {
    return "run: " + String.join(" ", command) + "\nexit code " + exitCode + " after " + millis
        + " ms\n--- stdout (" + stdout.length() + " chars) ---\n" + tail(stdout)
        + "\n--- stderr ---\n" + tail(stderr);
  }

  private static String tail(String s) {
    return s.length() <= 4_000 ? s : "..." + s.substring(s.length() - 4_000);
  }
}
