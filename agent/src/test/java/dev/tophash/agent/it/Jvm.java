package dev.tophash.agent.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Launches JVMs with the shipped agent jar: the java executables to test, commands, results. */
final class Jvm {
  static final long TIMEOUT_SECONDS = 60;

  /** The outcome of one finished JVM. */
  static final class Result {
    final int exitCode;
    final String stdout;
    final String stderr;

    Result(int exitCode, String stdout, String stderr) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  private Jvm() {}

  /** The built agent jar (failsafe passes its path). */
  static Path agentJar() {
    String p = System.getProperty("tophash.agent.jar", "target/tophash-agent.jar");
    Path jar = Paths.get(p).toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "agent jar not built: " + jar);
    return jar;
  }

  /**
   * The java executables to run against: this JVM's, then each existing path of the
   * {@code tophash.it.extraJavas} property (separated by the path separator or commas).
   */
  static Stream<String> javas() {
    List<String> out = new ArrayList<>();
    out.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    String extra = System.getProperty("tophash.it.extraJavas", "");
    for (String p : extra.split("[,:" + File.pathSeparator + "]")) {
      if (!p.isBlank() && Files.isExecutable(Paths.get(p.trim())) && !out.contains(p.trim())) {
        out.add(p.trim());
      }
    }
    return out.stream();
  }

  /** The class path of the fixture apps: test classes plus the app's own libraries. */
  static String appClassPath(Class<?>... libraries) {
    List<String> cp = new ArrayList<>();
    cp.add(location(dev.tophash.it.apps.SitesApp.class));
    for (Class<?> c : libraries) {
      cp.add(location(c));
    }
    return String.join(File.pathSeparator, cp);
  }

  static String location(Class<?> c) {
    try {
      return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a command to completion. */
  static Result run(List<String> command) throws IOException, InterruptedException {
    return finish(start(command), command);
  }

  static Process start(List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    return pb.start();
  }

  static Result finish(Process p, List<String> command) throws IOException, InterruptedException {
    p.getOutputStream().close();
    // read both streams fully on separate threads so that neither pipe fills up
    StreamGobbler out = new StreamGobbler(p.getInputStream());
    StreamGobbler err = new StreamGobbler(p.getErrorStream());
    out.start();
    err.start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + command);
    }
    out.join();
    err.join();
    return new Result(p.exitValue(), out.text(), err.text());
  }

  /** A java command line. */
  static List<String> java(String java, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-XX:-OmitStackTraceInFastThrow");
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  /** Stderr without the lines the JVM itself prints about the agent (CDS, dynamic loading). */
  static List<String> agentLines(String stderr) {
    List<String> out = new ArrayList<>();
    for (String l : stderr.split("\n")) {
      if (!l.isBlank() && !l.startsWith("WARNING:")) {
        out.add(l);
      }
    }
    return out;
  }

  static String read(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }

  /** Reads a stream to its end on a thread of its own. */
  static final class StreamGobbler extends Thread {
    private final java.io.InputStream in;
    private final StringBuffer text = new StringBuffer();

    StreamGobbler(java.io.InputStream in) {
      this.in = in;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        text.append("<").append(e).append(">");
      }
    }

    String text() {
      return text.toString();
    }
  }
}
