package dev.tophash.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * A class with one HashMap allocation site, whose class file the agent rewrites (with a throwaway
 * registry) before it installs its transformer, so that the classes the rewrite needs are loaded
 * up front rather than from inside another class's transformation.
 */
final class WarmUpProbe {
  private WarmUpProbe() {}

  /** An allocation for the rewrite to find; never called. */
  static Map<String, String> site() {
    return new HashMap<>();
  }

  /** This class's own class file, or null if it cannot be read. */
  static byte[] classFile() {
    try (InputStream in = WarmUpProbe.class.getResourceAsStream("WarmUpProbe.class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }
}
