package dev.tophash.it.apps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * What a fixture app tells the test about its maps, written to the file named by the system
 * property {@code sites.out} (never to stdout, which must be the same with and without the
 * agent): one line per map, {@code marker TAB runtime class TAB site key}, the key read by
 * reflection from the registry on the bootstrap path ({@code -} without the agent).
 */
public final class SiteProbe {
  private SiteProbe() {}

  /** Records one map under {@code marker}. */
  public static void record(String marker, Map<?, ?> map) {
    String out = System.getProperty("sites.out");
    if (out == null) {
      return;
    }
    String key = "-";
    try {
      Method site = map.getClass().getMethod("site");
      int id = (Integer) site.invoke(map);
      Class<?> sites = Class.forName("dev.tophash.map.MapSites");
      Object info = sites.getMethod("site", int.class).invoke(null, id);
      key = (String) info.getClass().getMethod("key").invoke(info);
    } catch (NoSuchMethodException e) {
      // a plain HashMap
    } catch (ReflectiveOperationException e) {
      key = "error:" + e;
    }
    String line = marker + '\t' + map.getClass().getName() + '\t' + key + '\n';
    try {
      Files.write(Paths.get(out), line.getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file the probe writes to, for tests. */
  public static Path file() {
    return Paths.get(System.getProperty("sites.out"));
  }
}
