package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.it.apps.DemoApp;
import dev.tophash.it.apps.ExitApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults the agent must survive without touching the application: a report directory it cannot
 * write, one deleted while the application runs, and bad options.
 */
class FaultIT {
  /** {@code report=} under a regular file: no directory can be made there. */
  @Test
  void reportDirUnderARegularFile() throws Exception {
    Path work = ItEnv.newWorkDir("unwritable");
    Path file = Files.writeString(work.resolve("a-file"), "not a directory\n");
    Path reportDir = file.resolve("report");
    RunResult plain = JvmRun.main(ExitApp.class).name("plain").dir(work.resolve("plain"))
        .args("exit3").run();
    RunResult r = JvmRun.main(ExitApp.class).name("agent").dir(work.resolve("agent"))
        .agent("report=" + reportDir + ",interval=100ms").args("exit3").run();
    r.assertExitCode(3);
    assertEquals(plain.stdout(), r.stdout(), "the application's output is untouched");
    assertEquals(plain.stderrLines(), r.appStderrLines().stream().filter(l -> !l.startsWith("tophash"))
        .collect(java.util.stream.Collectors.toList()), "the application's stderr is untouched");
    List<String> agent = r.agentLines();
    // the start-up line, then one line about the report (the interval log may add its own)
    assertTrue(RunResult.STARTUP_LINE.matcher(agent.get(0)).matches(), r::toString);
    List<String> problems = agent.subList(1, agent.size());
    assertFalse(problems.isEmpty(), () -> "no word about the unwritable report\n" + r);
    assertTrue(problems.stream().anyMatch(l -> l.contains(reportDir.toString()) || l.contains(file.toString())),
        () -> "the message names the directory\n" + r);
    assertTrue(problems.stream().filter(l -> l.contains("report")).count() <= 2,
        () -> "one clear line per failure, not a stack trace\n" + r);
    assertFalse(r.stderr().contains("\tat "), () -> "no stack trace\n" + r);
    assertEquals(plain.stderrLines().size() + 1 + problems.size() + r.jvmNoise().size(),
        r.stderrLines().size(), r::toString);
    assertEquals("not a directory\n", Files.readString(file), "the file is left alone");
  }

  /** Same, with the default interval: exactly one line about the report. */
  @Test
  void unwritableReportIsOneLine() throws Exception {
    Path work = ItEnv.newWorkDir("unwritable-one-line");
    Path file = Files.writeString(work.resolve("a-file"), "x");
    RunResult r = JvmRun.main(ExitApp.class).name("agent").dir(work)
        .agent("report=" + file.resolve("sub")).args("normal").run();
    r.assertExitCode(0);
    assertEquals(2, r.agentLines().size(), () -> "start-up line + one line\n" + r);
    assertTrue(r.agentLines().get(1).contains(file.resolve("sub").toString()), r::toString);
  }

  /** The report directory is deleted while the application runs: the final report still lands. */
  @Test
  void reportDirDeletedDuringTheRun() throws Exception {
    RunResult r = runAndDeleteReportDir("deleted-dir");
    Path reportDir = r.reportDir();
    boolean written = Files.isRegularFile(reportDir.resolve("report.json"));
    // Either the directory is made again and the report lands, or one line says why not.
    assertTrue(written || r.agentLines().size() == 2, () -> "neither a report nor one clear line\n" + r);
    assertTrue(r.agentLines().size() <= 2, () -> "at most one line beyond the start-up line\n" + r);
    if (written) {
      assertTrue(Files.isRegularFile(reportDir.resolve("summary.txt")), r::toString);
    }
  }

  /**
   * "Nothing else lost": the interval log, whose file went with the directory, is written again
   * (or its loss is said in one line) rather than appended to a file nobody can see any more.
   */
  @Test
  void intervalLogNotSilentlyLostWhenDirDeleted() throws Exception {
    RunResult r = runAndDeleteReportDir("deleted-dir-hlog");
    boolean hlog = Files.isRegularFile(r.reportDir().resolve("intervals.hlog"));
    assertTrue(hlog || r.agentLines().stream().anyMatch(l -> l.contains("intervals.hlog")),
        () -> "intervals.hlog vanished without a word\n" + r);
  }

  private static RunResult runAndDeleteReportDir(String name) throws Exception {
    Path work = ItEnv.newWorkDir(name);
    JvmRun run = JvmRun.main(ExitApp.class).name("agent").dir(work).agent("interval=100ms").args("sigterm");
    Path reportDir = run.reportDir();
    JvmRun.RunningJvm jvm = run.start();
    try {
      jvm.awaitStdoutLine("ready", java.time.Duration.ofSeconds(60));
      long deadline = System.currentTimeMillis() + 20_000;
      while (!Files.exists(reportDir.resolve("intervals.hlog")) && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(Files.exists(reportDir.resolve("intervals.hlog")), "the interval log started");
      ItEnv.deleteTree(reportDir);
      Thread.sleep(400);
      jvm.process().destroy();
      RunResult r = jvm.await();
      assertEquals(143, r.exitCode(), r::toString);
      assertTrue(r.stdout().contains("ready"), r::toString);
      return r;
    } finally {
      jvm.kill();
    }
  }

  /**
   * A full disk: the report directory on a 24 KB tmpfs (needs root to mount; skipped otherwise).
   * One clear line, the exit code unchanged, and no half-written files left behind.
   */
  @Test
  void fullDisk() throws Exception {
    Path work = ItEnv.newWorkDir("full-disk");
    Path mnt = Files.createDirectories(work.resolve("tiny"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=24k", "tmpfs", mnt.toString())
        .redirectErrorStream(true).start();
    boolean mounted = mount.waitFor(20, java.util.concurrent.TimeUnit.SECONDS) && mount.exitValue() == 0;
    org.junit.jupiter.api.Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (not root?)");
    try {
      Path reportDir = mnt.resolve("report");
      RunResult plain = JvmRun.main(DemoApp.class).name("plain").dir(work.resolve("plain")).args("20").run();
      RunResult r = JvmRun.main(DemoApp.class).name("agent").dir(work.resolve("agent"))
          .agent("report=" + reportDir).args("20").run();
      r.assertExitCode(0);
      assertEquals(plain.stdout(), r.stdout());
      List<String> agent = r.agentLines();
      assertEquals(2, agent.size(), () -> "the start-up line and one line about the report\n" + r);
      assertTrue(agent.get(1).contains(reportDir.toString()), agent.get(1));
      assertTrue(agent.get(1).contains("No space left on device"), agent.get(1));
      try (java.util.stream.Stream<Path> files = Files.walk(mnt)) {
        List<String> names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
            .collect(java.util.stream.Collectors.toList());
        assertTrue(names.stream().allMatch(n -> n.equals("summary.txt") || n.equals("report.json")
            || n.equals("report.html") || n.endsWith(".hgrm") || n.equals("intervals.hlog")),
            () -> "no temporary or half-written files: " + names);
      }
    } finally {
      new ProcessBuilder("umount", mnt.toString()).redirectErrorStream(true).start()
          .waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bogus=1", "sample=0", "impl=treemap", "interval=soon", "report=", "sample=16,,maps=2"})
  void badOptionsAreRefusedAndTheAppRunsWithoutTheAgent(String options) {
    RunResult plain = JvmRun.main(DemoApp.class).name("plain").args("50").run();
    RunResult r = JvmRun.main(DemoApp.class).name("bad-options").agent(options).args("50").run();
    r.assertExitCode(0);
    assertEquals(plain.stdout(), r.stdout(), "the application ran as usual");
    List<String> agent = r.agentLines();
    assertEquals(1, agent.size(), () -> "one clear message\n" + r);
    String msg = agent.get(0);
    assertTrue(msg.contains("valid options"), () -> "the message names the valid options: " + msg);
    assertTrue(msg.contains("report=DIR") && msg.contains("sample=N"), msg);
    assertFalse(RunResult.STARTUP_LINE.matcher(msg).matches(), "the agent did not install");
    if (!options.startsWith("report=")) {
      assertFalse(Files.exists(r.reportDir()), "no report without an agent");
    }
    String key = options.contains("=") ? options.substring(0, options.indexOf('=')) : options;
    assertTrue(msg.contains(key) || msg.contains("empty option"), () -> "the message names " + key + ": " + msg);
  }

  @Test
  void helpPrintsEveryOption() {
    RunResult r = JvmRun.main(DemoApp.class).name("help").agent("help").args("50").run();
    r.assertExitCode(0);
    for (String o : new String[] {"report=", "include=", "exclude=", "sample=", "interval=", "impl=", "verbose"}) {
      assertTrue(r.stderr().contains(o), () -> "help lacks " + o + "\n" + r);
    }
    RunResult cli = JvmRun.agentCli("--help").run();
    cli.assertExitCode(0);
    assertTrue(cli.stdout().contains("attach") && cli.stdout().contains("compare"), cli::toString);
  }
}
