package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tophash.it.apps.AttachTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar tophash-agent.jar attach|dump|detach <pid>} against a running application: maps
 * made before attach stay HashMaps, new ones are TophashMaps, two dumps each write a report, and
 * after detach new maps are HashMaps again; the application runs on and exits normally.
 */
class AttachIT {
  static final String TARGET = AttachTarget.class.getName();
  static final Duration WAIT = Duration.ofSeconds(60);

  @ParameterizedTest(name = "JDK {0}")
  @ValueSource(ints = {17, 25})
  void attachDumpTwiceDetach(int feature) throws Exception {
    Jdk jdk = Jdk.find(feature);
    assumeTrue(jdk != null, "JDK " + feature + " is not installed (tophash.it.extraJavas)");
    Path work = ItEnv.newWorkDir("attach-" + feature);
    Path control = Files.createDirectories(work.resolve("control"));
    JvmRun target = JvmRun.main(AttachTarget.class).name("target").dir(work).jdk(jdk)
        .args(control.toString());
    if (jdk.warnsOnDynamicAgents()) {
      // JEP 451: without this flag JDK 21+ prints a warning when an agent is loaded dynamically.
      target.jvmArgs("-XX:+EnableDynamicAgentLoading");
    }
    JvmRun.RunningJvm app = target.start();
    try {
      app.awaitStdoutLine("ready", WAIT);
      assertTrue(probe(app, control, 1).startsWith("probe 1 java.util.HashMap "), "before attach");

      Path reportDir = work.resolve("attached-report");
      RunResult attach = cli(jdk, work, "attach", Long.toString(app.pid()), "report=" + reportDir);
      attach.assertExitCode(0);
      assertTrue(attach.stdout().contains("pid " + app.pid()), attach::toString);

      assertEquals("probe 2 dev.tophash.map.TophashMap java.util.HashMap", probe(app, control, 2),
          "after attach new maps are TophashMaps and the early map stays a HashMap");

      Path dump1 = work.resolve("dump1");
      Path dump2 = work.resolve("dump2");
      cli(jdk, work, "dump", Long.toString(app.pid()), "report=" + dump1).assertExitCode(0);
      probe(app, control, 3);
      cli(jdk, work, "dump", Long.toString(app.pid()), "report=" + dump2).assertExitCode(0);
      Report r1 = Report.read(dump1.resolve("report.json"));
      Report r2 = Report.read(dump2.resolve("report.json"));
      assertTrue(Files.isRegularFile(dump1.resolve("summary.txt")));
      assertTrue(Files.isRegularFile(dump2.resolve("report.html")));
      assertTrue(r1.run().path("attached").asBoolean(), "the report says it was attached");
      int freshLine = Sources.line(AttachTarget.class, "fresh");
      int workLine = Sources.line(AttachTarget.class, "work");
      long fresh1 = r1.site(TARGET, "freshMap", freshLine, "app").counter("maps");
      long fresh2 = r2.site(TARGET, "freshMap", freshLine, "app").counter("maps");
      assertTrue(fresh1 >= 1 && fresh2 > fresh1, "probe 3 came between the dumps: " + fresh1 + " " + fresh2);
      assertTrue(r2.site(TARGET, "work", workLine, "app").counter("maps")
          >= r1.site(TARGET, "work", workLine, "app").counter("maps"));
      String summary = Files.readString(dump1.resolve("summary.txt"));
      assertTrue(summary.contains("AttachTarget#work:" + workLine), summary);
      assertTrue(summary.toLowerCase(java.util.Locale.ROOT).contains("attach"),
          "the report says maps made before attach are not covered\n" + summary);

      RunResult detach = cli(jdk, work, "detach", Long.toString(app.pid()));
      detach.assertExitCode(0);
      assertEquals("probe 4 java.util.HashMap java.util.HashMap", probe(app, control, 4),
          "after detach new maps are HashMaps again");
      assertTrue(Files.isRegularFile(reportDir.resolve("report.json")), "detach writes a final report");

      Files.createFile(control.resolve("stop"));
      RunResult end = app.await();
      end.assertExitCode(0);
      assertTrue(end.stdout().contains("bye true"), end::toString);
      assertFalse(end.stdout().contains("never"), end::toString);
      // The target's stderr: the agent's start-up line (attached) and nothing else of the agent's.
      end.assertOnlyStartupLine();
      assertTrue(end.stderr().contains("impl=tophash, attached"), end::toString);
      if (jdk.warnsOnDynamicAgents()) {
        assertFalse(end.stderr().contains("WARNING: A Java agent has been loaded dynamically"),
            "-XX:+EnableDynamicAgentLoading silences JEP 451's warning\n" + end.stderr());
      }
    } finally {
      app.kill();
    }
  }

  /** Detach, attach again, a dump that cannot be written: the application never notices. */
  @Test
  void reattachAndAFailedDump() throws Exception {
    Path work = ItEnv.newWorkDir("reattach");
    Path control = Files.createDirectories(work.resolve("control"));
    Path file = Files.writeString(work.resolve("a-file"), "x");
    JvmRun.RunningJvm app = JvmRun.main(AttachTarget.class).name("target").dir(work)
        .args(control.toString()).start();
    try {
      app.awaitStdoutLine("ready", WAIT);
      String pid = Long.toString(app.pid());
      Jdk jdk = Jdk.current();
      cli(jdk, work, "attach", pid, "report=" + work.resolve("r1")).assertExitCode(0);
      RunResult again = cli(jdk, work, "attach", pid, "report=" + work.resolve("r0"));
      assertEquals(1, again.exitCode(), () -> "a second attach is refused\n" + again);
      assertTrue(again.stderr().contains("already"), again::toString);
      RunResult badDump = cli(jdk, work, "dump", pid, "report=" + file.resolve("sub"));
      assertEquals(1, badDump.exitCode(), badDump::toString);
      assertTrue(badDump.stderr().contains(file.resolve("sub").toString()), badDump::toString);
      cli(jdk, work, "detach", pid).assertExitCode(0);
      cli(jdk, work, "attach", pid, "report=" + work.resolve("r2")).assertExitCode(0);
      assertEquals("probe 1 dev.tophash.map.TophashMap java.util.HashMap", probe(app, control, 1));
      cli(jdk, work, "detach", pid).assertExitCode(0);
      assertEquals("probe 2 java.util.HashMap java.util.HashMap", probe(app, control, 2));
      Report r2 = Report.read(work.resolve("r2/report.json"));
      assertTrue(r2.site(TARGET, "freshMap", Sources.line(AttachTarget.class, "fresh"), "app")
          .counter("maps") >= 1);
      Files.createFile(control.resolve("stop"));
      RunResult end = app.await();
      end.assertExitCode(0);
      assertTrue(end.stdout().contains("bye true"), end::toString);
      assertEquals(2, end.stderrLines().stream().filter(l -> RunResult.STARTUP_LINE.matcher(l).matches()).count(),
          "one start-up line per attach\n" + end);
    } finally {
      app.kill();
    }
  }

  @Test
  void attachToMissingPid() {
    long pid = 4_000_000 - 7; // above Linux's pid_max default; never a live process here
    assumeTrue(ProcessHandle.of(pid).isEmpty());
    RunResult r = JvmRun.agentCli("attach", Long.toString(pid)).run();
    assertEquals(1, r.exitCode(), r::toString);
    assertEquals(1, r.stderrLines().size(), () -> "one clear line\n" + r);
    assertTrue(r.stderr().contains(Long.toString(pid)), r::toString);
    RunResult dump = JvmRun.agentCli("dump", Long.toString(pid)).run();
    assertEquals(1, dump.exitCode(), dump::toString);
    RunResult notANumber = JvmRun.agentCli("detach", "not-a-pid").run();
    assertEquals(2, notANumber.exitCode(), notANumber::toString);
    assertTrue(notANumber.stderr().contains("not-a-pid"), notANumber::toString);
  }

  @Test
  void dumpWithoutTheAgentIsRefused() throws Exception {
    Path work = ItEnv.newWorkDir("dump-no-agent");
    Path control = Files.createDirectories(work.resolve("control"));
    JvmRun.RunningJvm app = JvmRun.main(AttachTarget.class).name("target").dir(work)
        .args(control.toString()).start();
    try {
      app.awaitStdoutLine("ready", WAIT);
      RunResult dump = cli(Jdk.current(), work, "dump", Long.toString(app.pid()));
      assertEquals(1, dump.exitCode(), dump::toString);
      assertTrue(dump.stderr().contains("does not have the tophash agent"), dump::toString);
      Files.createFile(control.resolve("stop"));
      RunResult end = app.await();
      end.assertExitCode(0);
      assertEquals("", end.stderr(), "nothing was loaded into the application");
    } finally {
      app.kill();
    }
  }

  /**
   * Another user's attach is refused with one clear line and does no harm: the command runs as
   * {@code nobody} against this (root) user's JVM, which then finishes as if nothing happened.
   * Needs root and {@code runuser}; skipped otherwise.
   */
  @Test
  void attachFromAnotherUserIsRefused() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to act as another user");
    Path runuser = Files.exists(Path.of("/usr/sbin/runuser")) ? Path.of("/usr/sbin/runuser")
        : Path.of("/sbin/runuser");
    assumeTrue(Files.isExecutable(runuser), "needs runuser");
    Path work = ItEnv.newWorkDir("attach-other-user");
    Path control = Files.createDirectories(work.resolve("control"));
    Path jar = Files.createTempFile("tophash-agent-", ".jar");
    try {
      Files.copy(ItEnv.agentJar(), jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      jar.toFile().setReadable(true, false);
      JvmRun.RunningJvm app = JvmRun.main(AttachTarget.class).name("target").dir(work)
          .args(control.toString()).start();
      try {
        app.awaitStdoutLine("ready", WAIT);
        Process p = new ProcessBuilder(runuser.toString(), "-u", "nobody", "--",
            ItEnv.currentJava().toString(), "-jar", jar.toString(), "attach", Long.toString(app.pid()))
            .directory(Path.of(System.getProperty("java.io.tmpdir")).toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the attach command ended");
        assertEquals(1, p.exitValue(), err);
        assertEquals(1, err.strip().lines().count(), () -> "one clear line: " + err);
        assertTrue(err.contains("cannot attach to pid " + app.pid()), err);
        Files.createFile(control.resolve("stop"));
        RunResult end = app.await();
        end.assertExitCode(0);
        assertEquals("", end.stderr(), "nothing was loaded into the application");
      } finally {
        app.kill();
      }
    } finally {
      Files.deleteIfExists(jar);
    }
  }

  /** Drops a probe file and returns the line the target prints for it. */
  private static String probe(JvmRun.RunningJvm app, Path control, int n) throws IOException {
    Files.createFile(control.resolve("probe-" + n));
    return app.awaitStdoutLine("probe " + n + " ", WAIT).trim();
  }

  private static RunResult cli(Jdk jdk, Path work, String... args) {
    return JvmRun.agentCli(args).jdk(jdk).name("cli-" + args[0]).dir(work.resolve("cli-" + args[0]
        + "-" + System.nanoTime())).run();
  }
}
