package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.it.apps.SerialApp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rewritten map serialized by a JVM with the agent is read by a JVM without it as a plain
 * {@code java.util.HashMap} with the same contents; {@code clone} of a rewritten map works.
 */
class SerializationIT {
  @Test
  void writtenWithAgentReadWithout() {
    Path work = ItEnv.newWorkDir("serial");
    Path file = work.resolve("maps.ser");
    RunResult write = JvmRun.main(SerialApp.class).name("write").dir(work.resolve("write"))
        .agent("").args("write", file.toString()).run();
    write.assertExitCode(0).assertOnlyStartupLine();
    RunResult read = JvmRun.main(SerialApp.class).name("read").dir(work.resolve("read"))
        .args("read", file.toString()).run();
    read.assertExitCode(0);
    assertEquals("", read.stderr(), read::toString);

    List<String> w = RunResult.lines(write.stdout());
    List<String> r = RunResult.lines(read.stdout());
    assertTrue(w.contains("live classes dev.tophash.map.TophashMap dev.tophash.map.TophashMap"),
        () -> "the writer's maps were rewritten\n" + write);
    assertEquals("read classes java.util.HashMap java.util.HashMap north", r.get(2), read::toString);
    assertEquals(w.subList(1, 3), r.subList(0, 2), "the same contents, size and hashCode");
    assertTrue(w.get(0).matches("clone dev\\.tophash\\.map\\.TophashMap 301 300 true"),
        () -> "clone of a rewritten map: " + w.get(0));

    // Written without the agent, the lines are the same but for the class names.
    RunResult plainWrite = JvmRun.main(SerialApp.class).name("plain-write").dir(work.resolve("plain"))
        .args("write", work.resolve("plain.ser").toString()).run();
    plainWrite.assertExitCode(0);
    assertEquals(plainWrite.stdout(), write.stdout().replace("dev.tophash.map.TophashMap", "java.util.HashMap"));

    Report report = write.report();
    int index = Sources.line(SerialApp.class, "index");
    int stock = Sources.line(SerialApp.class, "stock");
    assertEquals(1, report.site(SerialApp.class.getName(), "main", index, "app").counter("maps"));
    assertTrue(report.site(SerialApp.class.getName() + "$Inventory", "<init>", stock, "app").counter("maps") >= 1);
  }
}
