package dev.tophash.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium for the HTML tests: finds the binary and dumps a page's DOM after its scripts ran. */
final class Chromium {
  private Chromium() {}

  /** The chromium binary: $TOPHASH_CHROMIUM, else chromium or chromium-browser on the PATH; or null. */
  static Path find() {
    String env = System.getenv("TOPHASH_CHROMIUM");
    if (env != null && Files.isExecutable(Path.of(env))) {
      return Path.of(env);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /** The result of one headless run. */
  record Run(String stdout, String stderr, int exit) {}

  /** Runs chromium headless on {@code page} with {@code extra} arguments (the machine has no network). */
  static Run run(Path binary, Path page, Path profile, String... extra) throws IOException, InterruptedException {
    return run(binary, page.toUri().toString(), profile, extra);
  }

  /** Runs chromium headless on {@code url}. */
  static Run run(Path binary, String url, Path profile, String... extra) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--enable-logging=stderr", "--v=0"));
    cmd.addAll(List.of(extra));
    cmd.add(url);
    Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
    Path err = Files.createTempFile(profile.getParent(), "chromium", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 90 s: " + cmd);
    }
    return new Run(Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8), p.exitValue());
  }
}
