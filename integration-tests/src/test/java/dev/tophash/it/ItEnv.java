package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Where things are, as the pom tells the tests through system properties (with defaults that work
 * when a test is started from the module directory in an IDE).
 */
public final class ItEnv {
  private static final AtomicInteger RUNS = new AtomicInteger();

  private ItEnv() {}

  /** The shipped agent jar, {@code agent/target/tophash-agent.jar}. */
  public static Path agentJar() {
    Path jar = path("tophash.agent.jar", "../agent/target/tophash-agent.jar");
    assertTrue(Files.isRegularFile(jar), "the agent jar " + jar + " is missing: build it first "
        + "(mvn -B -ntp -pl agent package -DskipTests, or mvn verify from the root)");
    return jar;
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
