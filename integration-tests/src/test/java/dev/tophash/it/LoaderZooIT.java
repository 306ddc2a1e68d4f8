package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.it.apps.LoaderZooApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * A class loader zoo: a plugin class, compiled at test time into a directory that is not on the
 * class path, loaded by a custom parent-first loader ({@code zoo}) and by a child-first
 * {@code URLClassLoader} ({@code child-first}). Both copies allocate TophashMaps, and the report
 * keeps their sites apart by loader name.
 */
class LoaderZooIT {
  static final String PLUGIN = "dev.tophash.it.zoo.ZooPlugin";

  @Test
  void customAndChildFirstLoaders() throws Exception {
    Path work = ItEnv.newWorkDir("zoo");
    Path src = Paths.get(System.getProperty("tophash.it.zooSources", "src/test/zoo"))
        .resolve(PLUGIN.replace('.', '/') + ".java").toAbsolutePath();
    Path classes = Files.createDirectories(work.resolve("zoo-classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertEquals(0, javac.run(null, null, null, "--release", "17", "-g", "-d", classes.toString(),
        src.toString()), "compiling " + src);
    assertTrue(Files.isRegularFile(classes.resolve(PLUGIN.replace('.', '/') + ".class")));

    RunResult plain = JvmRun.main(LoaderZooApp.class).name("plain").dir(work.resolve("plain"))
        .args(classes.toString()).run();
    RunResult agent = JvmRun.main(LoaderZooApp.class).name("agent").dir(work.resolve("agent"))
        .args(classes.toString()).agent("").run();
    plain.assertExitCode(0);
    agent.assertExitCode(0).assertOnlyStartupLine();
    assertEquals(plain.appStderrLines(), agent.appStderrLines());

    List<String> out = RunResult.lines(agent.stdout());
    assertEquals(List.of(
        "zoo: dev.tophash.map.TophashMap 5000 " + digits() + " zoo",
        "child-first: dev.tophash.map.TophashMap 5000 " + digits() + " child-first"), out, agent::toString);
    assertEquals(plain.stdout().replace("java.util.HashMap", "dev.tophash.map.TophashMap"), agent.stdout());

    int line = Sources.line(src, "plugin");
    Report report = agent.report();
    for (String loader : new String[] {"zoo", "child-first"}) {
      Report.Site s = report.site(PLUGIN, "run", line, loader);
      assertEquals(1, s.counter("maps"), () -> "one map in " + loader + ": " + s);
      assertEquals(5_000, s.counter("inserts"));
      assertEquals(5_000, s.counter("lookups"));
    }
    String summary = agent.summary();
    assertTrue(summary.contains("loader zoo"), summary);
    assertTrue(summary.contains("loader child-first"), summary);
    assertTrue(summary.contains("ZooPlugin.java:" + line), summary);
  }

  /** Sum of the decimal lengths of i * 13 for i below 5000, as ZooPlugin computes it. */
  private static long digits() {
    long sum = 0;
    for (int i = 0; i < 5_000; i++) {
      sum += Integer.toString(i * 13).length();
    }
    return sum;
  }
}
