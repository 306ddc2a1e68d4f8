package dev.tophash.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDK the tests can launch: the one running the tests, plus those named (by their
 * {@code bin/java}) in the system property {@code tophash.it.extraJavas}, separated by
 * {@code ,}, {@code ;} or the path separator. A named JDK that is not installed is left out.
 */
public record Jdk(int feature, Path java) {
  private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);

  /** The JDK running the tests. */
  public static Jdk current() {
    return new Jdk(Runtime.version().feature(), ItEnv.currentJava());
  }

  /** The JDK of the given feature version (17, 25, ...), or null when it is not available. */
  public static Jdk find(int feature) {
    return all().get(feature);
  }

  /** Every available JDK by feature version, the current one first. */
  public static Map<Integer, Jdk> all() {
    Map<Integer, Jdk> out = new LinkedHashMap<>();
    Jdk cur = current();
    out.put(cur.feature(), cur);
    for (String s : System.getProperty("tophash.it.extraJavas", "").split("[,;" + File.pathSeparator + "]")) {
      if (s.isBlank()) {
        continue;
      }
      Path java = Path.of(s.trim());
      Integer f = featureOf(java);
      if (f != null) {
        out.putIfAbsent(f, new Jdk(f, java));
      }
    }
    return out;
  }

  /** Reads {@code JAVA_VERSION} from the {@code release} file next to {@code bin/java}. */
  private static Integer featureOf(Path java) {
    if (!Files.isExecutable(java)) {
      return null;
    }
    Path release = java.toAbsolutePath().getParent().getParent().resolve("release");
    try {
      Matcher m = VERSION.matcher(Files.readString(release));
      return m.find() ? Integer.valueOf(m.group(1)) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether this JDK prints JEP 451's warning when an agent is loaded into it dynamically. */
  public boolean warnsOnDynamicAgents() {
    return feature >= 21;
  }

  @Override
  public String toString() {
    return "JDK " + feature;
  }
}
