package dev.tophash.agent.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * The rewrite on real-world bytecode: every class of a few JDK modules that mentions HashMap is
 * rewritten, and every rewritten class must pass ASM's verifier. Nothing is loaded or run.
 */
class JdkCorpusTest {
  private static final String[] MODULES = {"java.base", "java.sql", "java.logging", "java.net.http"};

  @Test
  void jdkModulesRewriteAndVerify() throws IOException {
    int rewritten = 0;
    int sites = 0;
    List<String> skipped = new ArrayList<>();
    StringWriter problems = new StringWriter();
    for (String module : MODULES) {
      for (Path p : classFiles(module)) {
        byte[] b = Files.readAllBytes(p);
        SiteTransformer.Result r = SiteTransformer.rewrite(b, "bootstrap",
            "dev/tophash/map/TophashMap", (c, m, d, src, l, n) -> 1000);
        if (r.skipped()) {
          skipped.add(p + ": " + r.skipReason());
        }
        if (r.bytes() == null) {
          continue;
        }
        rewritten++;
        sites += r.sites();
        StringWriter one = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(r.bytes()), JdkCorpusTest.class.getClassLoader(),
            false, new PrintWriter(one));
        if (one.getBuffer().length() > 0) {
          problems.append(p.toString()).append('\n').append(one.toString(), 0,
              Math.min(2000, one.getBuffer().length()));
        }
      }
    }
    assertEquals("", problems.toString());
    assertEquals(List.of(), skipped);
    assertTrue(rewritten > 100, "rewritten classes: " + rewritten);
    assertTrue(sites > rewritten, "sites: " + sites);
  }

  /**
   * The raw-bytes search for methods that mention HashMap finds every method ASM's instruction
   * decoding finds, in every class of the modules (it may find a few more: an operand byte that
   * looks like an opcode), and understands every one of these class files.
   */
  @Test
  void rawSearchFindsEveryMethodThatAsmFinds() throws IOException {
    int classes = 0;
    int withMentions = 0;
    int asmMethods = 0;
    int extra = 0;
    StringWriter missed = new StringWriter();
    for (String module : MODULES) {
      for (Path p : classFiles(module)) {
        byte[] b = Files.readAllBytes(p);
        classes++;
        java.util.Set<String> raw = HashMapMentions.of(b);
        assertTrue(raw != null, () -> p + " was not understood");
        java.util.Set<String> asm = SiteTransformer.HashMapMethods.of(new ClassReader(b));
        if (!raw.containsAll(asm)) {
          java.util.Set<String> lost = new java.util.TreeSet<>(asm);
          lost.removeAll(raw);
          missed.append(p.toString()).append(": ").append(lost.toString()).append('\n');
        }
        withMentions += asm.isEmpty() ? 0 : 1;
        asmMethods += asm.size();
        extra += raw.size() - asm.size();
      }
    }
    assertEquals("", missed.toString());
    assertTrue(classes > 5_000 && withMentions > 100, classes + " classes, " + withMentions);
    assertTrue(extra <= asmMethods / 10, "raw search found " + extra + " extra methods beyond "
        + asmMethods);
  }

  /** The class files of a JDK module (module-info excluded), from the running JDK's image. */
  static List<Path> classFiles(String module) throws IOException {
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    try (Stream<Path> s = Files.walk(jrt.getPath("/modules", module))) {
      return s.filter(p -> p.toString().endsWith(".class")
          && !p.toString().endsWith("module-info.class")).toList();
    }
  }
}
