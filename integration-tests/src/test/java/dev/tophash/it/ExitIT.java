package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.it.apps.ExitApp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How a JVM ends must not matter: {@code System.exit(3)}, SIGTERM and an exception from
 * {@code main} all leave a report, the same exit code and the same output as without the agent.
 */
class ExitIT {
  static final String APP = ExitApp.class.getName();
  static final String WORKLOAD = "dev.tophash.it.apps.Workload";

  @Test
  void systemExit3() {
    check("exit3", 3);
  }

  @Test
  void exceptionFromMain() {
    RunResult r = check("throw", 1);
    assertTrue(r.stderr().contains("java.lang.IllegalStateException: thrown from main on purpose"), r::toString);
  }

  @Test
  void normalReturn() {
    check("normal", 0);
  }

  /** {@code Process.destroy()} sends SIGTERM: 128 + 15. */
  @Test
  void sigterm() {
    RunResult plain = terminate(JvmRun.main(ExitApp.class).name("sigterm-plain"));
    RunResult agent = terminate(JvmRun.main(ExitApp.class).name("sigterm-agent").agent(""));
    assertEquals(143, plain.exitCode(), plain::toString);
    assertEquals(143, agent.exitCode(), agent::toString);
    assertEquals(plain.stdout(), agent.stdout());
    assertEquals(plain.stderrLines(), agent.appStderrLines());
    agent.assertOnlyStartupLine();
    Report report = agent.report();
    Report.Site s = report.site(APP, "main", Sources.line(ExitApp.class, "settings"), "app");
    assertEquals(1, s.counter("maps"));
    assertTrue(report.activeSites(WORKLOAD).get(0).counter("maps") >= 3,
        "the work done before SIGTERM is in the report");
    assertTrue(agent.summary().contains("ExitApp"), agent::toString);
  }

  private static RunResult terminate(JvmRun run) {
    JvmRun.RunningJvm jvm = run.args("sigterm").start();
    try {
      jvm.awaitStdoutLine("ready", Duration.ofSeconds(60));
      // let the loop allocate a few maps after "ready"
      Thread.sleep(300);
      jvm.process().destroy();
      return jvm.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      jvm.kill();
    }
  }

  private static RunResult check(String mode, int exitCode) {
    RunResult plain = JvmRun.main(ExitApp.class).name(mode + "-plain").args(mode).run();
    RunResult agent = JvmRun.main(ExitApp.class).name(mode + "-agent").args(mode).agent("").run();
    assertEquals(exitCode, plain.exitCode(), plain::toString);
    assertEquals(exitCode, agent.exitCode(), agent::toString);
    assertEquals(plain.stdout(), agent.stdout(), "stdout changed under the agent");
    assertEquals(plain.stderrLines(), agent.appStderrLines(), "the application's stderr changed");
    agent.assertOnlyStartupLine();
    Report report = agent.report();
    Report.Site settings = report.site(APP, "main", Sources.line(ExitApp.class, "settings"), "app");
    assertEquals(1, settings.counter("maps"));
    assertEquals(1, settings.counter("inserts"));
    Report.Site work = report.site(WORKLOAD, "run", Sources.line(WORKLOAD, "workload"), "app");
    assertEquals(3, work.counter("maps"));
    assertEquals(60_000, work.counter("inserts"));
    assertTrue(agent.summary().contains("ExitApp#main:" + Sources.line(ExitApp.class, "settings")),
        agent::summary);
    return agent;
  }
}
