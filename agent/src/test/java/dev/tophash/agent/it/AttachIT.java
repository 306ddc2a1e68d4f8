package dev.tophash.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.it.apps.LongRunningApp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** attach, dump and detach against a running JVM, and the refusals of the CLI. */
class AttachIT {
  @TempDir
  Path tmp;

  static java.util.stream.Stream<String> javas() {
    return Jvm.javas();
  }

  private static List<String> cli(String java, String... args) {
    List<String> cmd = Jvm.java(java, "-jar", Jvm.agentJar().toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  @ParameterizedTest
  @MethodSource("javas")
  void attachDumpDetach(String java) throws Exception {
    Process app = Jvm.start(Jvm.java(java, "-cp", Jvm.appClassPath(), LongRunningApp.class.getName()));
    Jvm.StreamGobbler err = new Jvm.StreamGobbler(app.getErrorStream());
    err.start();
    try (BufferedReader out = new BufferedReader(
            new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
        PrintStream in = new PrintStream(app.getOutputStream(), true, StandardCharsets.UTF_8)) {
      assertEquals("ready", out.readLine());
      String pid = Long.toString(app.pid());
      Path report = tmp.resolve("report");

      in.println("alloc");
      assertEquals("alloc java.util.HashMap 1000", out.readLine());

      Jvm.Result attach = Jvm.run(cli(java, "attach", pid, "report=" + report + ",interval=200ms"));
      assertEquals(0, attach.exitCode, attach.toString());
      assertTrue(attach.stdout.contains("attached: report -> " + report), attach.stdout);

      in.println("alloc");
      assertEquals("alloc dev.tophash.map.TophashMap 1000", out.readLine());
      in.println("early");
      assertEquals("early java.util.HashMap 10", out.readLine(), "maps from before attach stay");

      Jvm.Result again = Jvm.run(cli(java, "attach", pid));
      assertEquals(1, again.exitCode, again.toString());
      assertTrue(again.stderr.contains("already has the tophash agent"), again.stderr);

      Thread.sleep(500); // a few intervals
      Path dumpDir = tmp.resolve("dump");
      Jvm.Result dump = Jvm.run(cli(java, "dump", pid, "report=" + dumpDir));
      if (dump.exitCode != 0) {
        StaticAgentIT.assertReportWritten(dumpDir, dump); // skips with a message while the writer is a stub
      }
      assertEquals(0, dump.exitCode, dump.toString());
      StaticAgentIT.assertReportWritten(dumpDir, dump);

      Jvm.Result jmxDump = Jvm.run(cli(java, "dump", pid));
      assertEquals(0, jmxDump.exitCode, jmxDump.toString());
      assertTrue(jmxDump.stdout.contains("report written to " + report), jmxDump.stdout);

      Jvm.Result detach = Jvm.run(cli(java, "detach", pid));
      assertEquals(0, detach.exitCode, detach.toString());
      assertTrue(detach.stdout.contains("detached, "), detach.stdout);
      in.println("alloc");
      assertEquals("alloc java.util.HashMap 1000", out.readLine(), "detach restores HashMap");
      assertTrue(Files.exists(report.resolve("intervals.hlog")), "interval log while attached");
      StaticAgentIT.assertReportWritten(report, detach);

      Jvm.Result dumpAfter = Jvm.run(cli(java, "dump", pid));
      assertEquals(1, dumpAfter.exitCode, dumpAfter.toString());
      assertTrue(dumpAfter.stderr.contains("does not have the tophash agent"), dumpAfter.stderr);

      Jvm.Result reattach = Jvm.run(cli(java, "attach", pid, "report=" + tmp.resolve("second")));
      assertEquals(0, reattach.exitCode, reattach.toString());
      in.println("alloc");
      assertEquals("alloc dev.tophash.map.TophashMap 1000", out.readLine(), "attach after detach");
      Jvm.Result detachAgain = Jvm.run(cli(java, "detach", pid));
      assertEquals(0, detachAgain.exitCode, detachAgain.toString());

      in.println("quit");
      assertEquals("bye", out.readLine());
      assertTrue(app.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, app.exitValue());
    } finally {
      app.destroyForcibly();
    }
    err.join(5_000);
    for (String line : Jvm.agentLines(err.text())) {
      assertTrue(line.startsWith("tophash: "), "unexpected stderr in the target: " + err.text());
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void attachToAJvmStartedWithTheAgentIsRefused(String java) throws Exception {
    Process app = Jvm.start(Jvm.java(java,
        "-javaagent:" + Jvm.agentJar() + "=report=" + tmp.resolve("static") + ",interval=off",
        "-cp", Jvm.appClassPath(), LongRunningApp.class.getName()));
    try (BufferedReader out = new BufferedReader(
            new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
        PrintStream in = new PrintStream(app.getOutputStream(), true, StandardCharsets.UTF_8)) {
      assertEquals("ready", out.readLine());
      Jvm.Result again = Jvm.run(cli(java, "attach", Long.toString(app.pid())));
      assertEquals(1, again.exitCode, again.toString());
      assertTrue(again.stderr.contains("already has the tophash agent"), again.stderr);
      in.println("alloc");
      assertEquals("alloc dev.tophash.map.TophashMap 1000", out.readLine());
      in.println("quit");
      assertEquals("bye", out.readLine());
      assertTrue(app.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, app.exitValue());
    } finally {
      app.destroyForcibly();
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void refusals(String java) throws Exception {
    Jvm.Result missing = Jvm.run(cli(java, "attach", "999999999"));
    assertEquals(1, missing.exitCode, missing.toString());
    assertTrue(missing.stderr.contains("no process with pid 999999999"), missing.stderr);
    Jvm.Result notPid = Jvm.run(cli(java, "detach", "abc"));
    assertEquals(2, notPid.exitCode);
    assertTrue(notPid.stderr.contains("\"abc\" is not a process id"), notPid.stderr);
    Jvm.Result badOptions = Jvm.run(cli(java, "attach", "1", "sample=zero"));
    assertEquals(2, badOptions.exitCode);
    assertTrue(badOptions.stderr.contains("sample=zero is not a whole number"), badOptions.stderr);
  }
}
