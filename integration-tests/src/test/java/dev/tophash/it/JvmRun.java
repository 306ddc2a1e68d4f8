package dev.tophash.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds and launches one JVM: {@code java [-javaagent:<shipped jar>=<options>] [jvm args] -cp ...
 * <main> [args]}, with a timeout, stdout and stderr captured to files in the run's directory.
 *
 * <pre>
 *   RunResult r = JvmRun.main(DemoApp.class).agent("interval=500ms").run();
 * </pre>
 *
 * <p>With {@link #agent(String)} the report directory is {@code <run dir>/report} unless the
 * options name one; {@link RunResult#reportDir()} points at it.
 */
public final class JvmRun {
  /** What a run may take before it is killed and the test fails. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(180);

  private Jdk jdk = Jdk.current();
  private final List<String> jvmArgs = new ArrayList<>();
  private final List<String> classpath = new ArrayList<>();
  private final List<String> command = new ArrayList<>();
  private final List<String> args = new ArrayList<>();
  private String agentOptions;
  private Path agentJar;
  private Path dir;
  private Path workingDir;
  private String name;
  private Duration timeout = DEFAULT_TIMEOUT;

  private JvmRun() {}

  /** A run of a fixture main from {@code target/classes}. */
  public static JvmRun main(Class<?> mainClass) {
    JvmRun r = new JvmRun();
    r.name = mainClass.getSimpleName();
    r.classpath.add(ItEnv.classes().toString());
    r.command.add(mainClass.getName());
    return r;
  }

  /** A run of any main class; add its class path with {@link #classpath(Path...)}. */
  public static JvmRun main(String mainClass) {
    JvmRun r = new JvmRun();
    r.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    r.command.add(mainClass);
    return r;
  }

  /** {@code java -jar <shipped agent jar> <args>}: the agent's command line. */
  public static JvmRun agentCli(String... cliArgs) {
    JvmRun r = new JvmRun();
    r.name = "cli-" + (cliArgs.length > 0 ? cliArgs[0] : "none");
    r.command.add("-jar");
    r.command.add(ItEnv.agentJar().toString());
    r.args.addAll(Arrays.asList(cliArgs));
    return r;
  }

  /** Runs on this JDK instead of the one running the tests. */
  public JvmRun jdk(Jdk j) {
    this.jdk = j;
    return this;
  }

  /** Adds {@code -javaagent:<shipped jar>=<options>} ({@code options} may be empty). */
  public JvmRun agent(String options) {
    this.agentOptions = options == null ? "" : options;
    return this;
  }

  /** Uses another agent jar than the shipped one (for a sanity check of the harness itself). */
  public JvmRun agentJar(Path jar) {
    this.agentJar = jar;
    return this;
  }

  public JvmRun jvmArgs(String... a) {
    jvmArgs.addAll(Arrays.asList(a));
    return this;
  }

  public JvmRun classpath(Path... entries) {
    for (Path p : entries) {
      classpath.add(p.toString());
    }
    return this;
  }

  public JvmRun args(String... a) {
    args.addAll(Arrays.asList(a));
    return this;
  }

  /** The directory for the run's output files (default: a fresh one under target/it-work). */
  public JvmRun dir(Path d) {
    this.dir = d;
    return this;
  }

  /** The launched JVM's working directory (default: the run's directory). */
  public JvmRun workingDir(Path d) {
    this.workingDir = d;
    return this;
  }

  /** A name for the run's files, e.g. {@code with-agent}. */
  public JvmRun name(String n) {
    this.name = n;
    return this;
  }

  public JvmRun timeout(Duration t) {
    this.timeout = t;
    return this;
  }

  /** The report directory this run's agent writes to, or null without the agent. */
  public Path reportDir() {
    if (agentOptions == null) {
      return null;
    }
    for (String o : agentOptions.split(",")) {
      if (o.trim().startsWith("report=")) {
        return baseDir().resolve(o.trim().substring("report=".length()));
      }
    }
    return baseDir().resolve("report");
  }

  private Path baseDir() {
    if (dir == null) {
      dir = ItEnv.newWorkDir(name);
    }
    return dir;
  }

  /** The full command line. */
  public List<String> commandLine() {
    List<String> cmd = new ArrayList<>();
    cmd.add(jdk.java().toString());
    if (agentOptions != null) {
      String opts = agentOptions;
      boolean hasReport = false;
      for (String o : agentOptions.split(",")) {
        hasReport |= o.trim().startsWith("report=");
      }
      if (!hasReport) {
        opts = "report=" + baseDir().resolve("report") + (opts.isEmpty() ? "" : "," + opts);
      }
      Path jar = agentJar != null ? agentJar : ItEnv.agentJar();
      cmd.add("-javaagent:" + jar + "=" + opts);
    }
    cmd.add("-XX:-OmitStackTraceInFastThrow");
    cmd.addAll(jvmArgs);
    if (!classpath.isEmpty()) {
      cmd.add("-cp");
      cmd.add(String.join(File.pathSeparator, classpath));
    }
    cmd.addAll(command);
    cmd.addAll(args);
    return cmd;
  }

  /** Starts the JVM and returns at once. */
  public RunningJvm start() {
    Path base = baseDir();
    List<String> cmd = commandLine();
    Path out = base.resolve(name + ".out");
    Path err = base.resolve(name + ".err");
    try {
      Files.createDirectories(base);
      Files.writeString(base.resolve(name + ".cmd"), String.join(" ", cmd) + "\n");
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .directory((workingDir != null ? workingDir : base).toFile())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().remove("JAVA_TOOL_OPTIONS");
      pb.environment().remove("JDK_JAVA_OPTIONS");
      pb.environment().remove("_JAVA_OPTIONS");
      long cpu0 = childrenCpuMillis();
      long t0 = System.nanoTime();
      Process p = pb.start();
      return new RunningJvm(p, cmd, out, err, agentOptions == null ? null : reportDir(), t0, timeout, base,
          cpu0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
  }

  /** Runs the JVM to completion (failing the test on a timeout). */
  public RunResult run() {
    return start().await();
  }

  /**
   * User + system CPU time of this JVM's finished (waited-for) child processes, from
   * {@code /proc/self/stat} (cutime, cstime); -1 where there is no such file. The difference
   * around one run is that run's CPU time when no other child ends meanwhile, as in the timing
   * runs, which run one JVM at a time.
   */
  static long childrenCpuMillis() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields after the command: state is field 3, cutime field 16, cstime field 17
      long ticks = Long.parseLong(f[16 - 3]) + Long.parseLong(f[17 - 3]);
      return ticks * 10; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** A launched JVM. */
  public static final class RunningJvm {
    private final Process process;
    private final List<String> command;
    private final Path out;
    private final Path err;
    private final Path reportDir;
    private final long startNanos;
    private final Duration timeout;
    private final Path base;
    private final long cpuBefore;

    RunningJvm(Process process, List<String> command, Path out, Path err, Path reportDir,
        long startNanos, Duration timeout, Path base, long cpuBefore) {
      this.base = base;
      this.cpuBefore = cpuBefore;
      this.process = process;
      this.command = command;
      this.out = out;
      this.err = err;
      this.reportDir = reportDir;
      this.startNanos = startNanos;
      this.timeout = timeout;
    }

    public long pid() {
      return process.pid();
    }

    public Process process() {
      return process;
    }

    /** The stdout so far. */
    public String stdout() {
      return read(out);
    }

    /** The stderr so far. */
    public String stderr() {
      return read(err);
    }

    /**
     * Waits until a line of stdout contains {@code text}; fails when the process exits or the
     * time runs out first.
     */
    public String awaitStdoutLine(String text, Duration within) {
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        for (String line : stdout().split("\n", -1)) {
          if (line.contains(text)) {
            return line;
          }
        }
        if (!process.isAlive()) {
          // one last look: output may have landed just before the exit
          for (String line : stdout().split("\n", -1)) {
            if (line.contains(text)) {
              return line;
            }
          }
          throw new AssertionError("the JVM exited (" + process.exitValue() + ") before printing \""
              + text + "\"; stdout:\n" + stdout() + "\nstderr:\n" + stderr());
        }
        sleep(20);
      }
      throw new AssertionError("no \"" + text + "\" on stdout within " + within + "; stdout:\n"
          + stdout() + "\nstderr:\n" + stderr());
    }

    /** Waits for the exit (killing the JVM and failing on timeout). */
    public RunResult await() {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command)
              + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      long millis = (System.nanoTime() - startNanos) / 1_000_000;
      long cpuAfter = childrenCpuMillis();
      long cpu = cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore;
      return new RunResult(command, process.exitValue(), stdout(), stderr(), reportDir, millis, base, cpu);
    }

    /** Kills the JVM if it is still running (for clean-up after a failed assertion). */
    public void kill() {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }

    private static String read(Path p) {
      try {
        return Files.exists(p) ? Files.readString(p) : "";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
