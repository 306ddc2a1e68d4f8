package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * An application that ships its own HdrHistogram and its own (older) Byte Buddy, both of which
 * the agent carries relocated: the application's copies are the ones it uses, they work, and its
 * HashMaps are still rewritten.
 */
class OwnLibrariesIT {
  static final String APP = "dev.tophash.it.libs.OwnLibsApp";

  @Test
  void applicationWithItsOwnHdrHistogramAndByteBuddy() throws Exception {
    Path work = ItEnv.newWorkDir("own-libs");
    Path hdr = ItEnv.apps().resolve("HdrHistogram.jar");
    Path bb = ItEnv.apps().resolve("byte-buddy.jar");
    assertTrue(Files.isRegularFile(hdr) && Files.isRegularFile(bb), "the pom copies both into target/apps");
    Path src = Paths.get(System.getProperty("tophash.it.libAppSources", "src/test/libapp"))
        .resolve(APP.replace('.', '/') + ".java").toAbsolutePath();
    Path classes = work.resolve("classes");
    ByteArrayOutputStream diag = new ByteArrayOutputStream();
    int rc = ToolProvider.getSystemJavaCompiler().run(null, diag, diag, "--release", "17", "-g",
        "-cp", hdr + File.pathSeparator + bb, "-d", classes.toString(), src.toString());
    assertEquals(0, rc, diag::toString);

    RunResult plain = JvmRun.main(APP).name("plain").dir(work.resolve("plain")).classpath(classes, hdr, bb).run();
    RunResult r = JvmRun.main(APP).name("agent").dir(work.resolve("agent")).classpath(classes, hdr, bb)
        .agent("").run();
    plain.assertExitCode(0);
    r.assertExitCode(0).assertOnlyStartupLine();
    assertEquals(plain.appStderrLines(), r.appStderrLines());
    List<String> lines = RunResult.lines(r.stdout());
    assertEquals(3, lines.size(), r::toString);
    assertTrue(lines.get(0).endsWith(" from HdrHistogram.jar"), lines.get(0));
    assertEquals("made by byte buddy from byte-buddy.jar", lines.get(1));
    assertTrue(lines.get(2).endsWith(" dev.tophash.map.TophashMap"), lines.get(2));
    assertEquals(plain.stdout().replace("java.util.HashMap", "dev.tophash.map.TophashMap"), r.stdout());

    Report.Site s = r.report().site(APP, "main", Sources.line(src, "latencies"), "app");
    assertEquals(1, s.counter("maps"));
    assertEquals(100, s.counter("inserts"));
    assertEquals(19_900, s.counter("updates"));
  }
}
