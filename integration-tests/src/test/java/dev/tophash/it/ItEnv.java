package dev.tophash.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Where things are, as the pom tells the tests through system properties (with defaults that work
 * when a test is started from the module directory in an IDE).
 */
public final class ItEnv {
  private static final AtomicInteger RUNS = new AtomicInteger();

  private ItEnv() {}

  private static Path agentSnapshot;

  /**
   * The shipped agent jar, {@code agent/target/tophash-agent.jar}, as a byte-for-byte copy taken
   * once per test run: a rebuild of the agent module while the tests run (a developer's, in
   * another terminal) must not swap the jar under a running JVM.
   */
  public static synchronized Path agentJar() {
    if (agentSnapshot == null) {
      agentSnapshot = snapshotAgentJar();
    }
    return agentSnapshot;
  }

  private static Path snapshotAgentJar() {
    Path jar = path("tophash.agent.jar", "../agent/target/tophash-agent.jar");
    Path dir = path("tophash.it.work", "target/it-work").resolve("agent");
    Path copy = dir.resolve("tophash-agent.jar");
    String problem = "missing";
    long deadline = System.currentTimeMillis() + 60_000;
    try {
      Files.createDirectories(dir);
      while (true) {
        if (Files.isRegularFile(jar)) {
          Path tmp = Files.createTempFile(dir, "tophash-agent", ".tmp");
          Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
          problem = checkAgentJar(tmp);
          if (problem == null) {
            Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return copy;
          }
          Files.deleteIfExists(tmp);
        }
        if (System.currentTimeMillis() > deadline) {
          break;
        }
        // perhaps being written by a build right now
        Thread.sleep(2_000);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("the agent jar " + jar + " is " + problem + ": build it first (mvn -B -ntp "
        + "-pl agent package -DskipTests, or mvn verify from the root)");
  }

  /** Null for a complete agent jar, else what is wrong with it. */
  private static String checkAgentJar(Path jar) {
    try (JarFile j = new JarFile(jar.toFile())) {
      Manifest m = j.getManifest();
      if (m == null || m.getMainAttributes().getValue("Premain-Class") == null) {
        return "without a Premain-Class";
      }
      if (j.getEntry("dev/tophash/agent/tophash-bootstrap.jar") == null) {
        return "without its nested bootstrap jar";
      }
      return null;
    } catch (IOException e) {
      return "unreadable (" + e.getMessage() + ")";
    }
  }

  /** The fixture applications' classes ({@code target/classes}). */
  public static Path classes() {
    return path("tophash.it.classes", "target/classes");
  }

  /** The fixture applications' sources, to find the lines of their allocation sites. */
  public static Path sources() {
    return path("tophash.it.sources", "src/main/java");
  }

  /** The real applications copied from Maven Central by the pom ({@code target/apps}). */
  public static Path apps() {
    return path("tophash.it.apps", "target/apps");
  }

  /** The java executable of the JVM running the tests. */
  public static Path currentJava() {
    return Paths.get(System.getProperty("java.home"), "bin", "java");
  }

  /** A new, empty directory for one test's files, under {@code target/it-work}. */
  public static Path newWorkDir(String name) {
    Path root = path("tophash.it.work", "target/it-work");
    Path dir = root.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + RUNS.incrementAndGet());
    try {
      deleteTree(dir);
      Files.createDirectories(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a file or directory tree if it exists. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        p.toFile().setWritable(true);
        Files.deleteIfExists(p);
      }
    }
  }

  private static Path path(String property, String fallback) {
    return Paths.get(System.getProperty(property, fallback)).toAbsolutePath().normalize();
  }
}
