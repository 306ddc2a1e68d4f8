package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the allocation sites of the fixture applications by the {@code // site:NAME} markers in
 * their sources, so that tests check reports against real line numbers without hard-coding them.
 */
public final class Sources {
  private Sources() {}

  /** The 1-based line of {@code // site:NAME} in the source of {@code c}; fails unless exactly one. */
  public static int line(Class<?> c, String site) {
    Class<?> top = c;
    while (top.getEnclosingClass() != null) {
      top = top.getEnclosingClass();
    }
    return line(top.getName(), site);
  }

  /** The 1-based line of {@code // site:NAME} in the source of the top-level class {@code className}. */
  public static int line(String className, String site) {
    return line(ItEnv.sources().resolve(className.replace('.', '/') + ".java"), site);
  }

  /** The 1-based line of {@code // site:NAME} in {@code src}. */
  public static int line(Path src, String site) {
    try {
      List<String> lines = Files.readAllLines(src);
      List<Integer> found = new ArrayList<>();
      String marker = "// site:" + site;
      for (int i = 0; i < lines.size(); i++) {
        String l = lines.get(i);
        int at = l.indexOf(marker);
        if (at >= 0 && (l.length() == at + marker.length()
            || !Character.isLetterOrDigit(l.charAt(at + marker.length())))) {
          found.add(i + 1);
        }
      }
      assertEquals(1, found.size(), () -> "marker " + marker + " in " + src + " at lines " + found);
      return found.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
