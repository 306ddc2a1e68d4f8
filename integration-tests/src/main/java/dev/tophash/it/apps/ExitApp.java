package dev.tophash.it.apps;

import java.util.HashMap;
import java.util.Map;

/**
 * Ends in the way its argument says, after some map work: {@code exit3} calls
 * {@code System.exit(3)}, {@code throw} throws from {@code main}, {@code sigterm} prints
 * {@code ready} and keeps working until the process is terminated, {@code normal} returns.
 * It also writes one line of its own to stderr, which must come through the agent untouched.
 */
public final class ExitApp {
  private ExitApp() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "normal";
    Map<String, String> settings = new HashMap<>(); // site:settings
    settings.put("mode", mode);
    System.out.println("workload " + Workload.run(3, 20_000));
    System.err.println("app: a line of the application's own on stderr (" + settings.get("mode") + ")");
    switch (mode) {
      case "exit3":
        System.out.println("exiting with 3");
        System.out.flush();
        System.exit(3);
        break;
      case "throw":
        System.out.println("throwing");
        System.out.flush();
        throw new IllegalStateException("thrown from main on purpose");
      case "sigterm":
        System.out.println("ready");
        System.out.flush();
        long until = System.currentTimeMillis() + 120_000;
        long sink = 0;
        while (System.currentTimeMillis() < until) {
          sink += Workload.run(1, 2_000);
          Thread.sleep(5);
        }
        System.out.println("never terminated " + sink);
        System.exit(9);
        break;
      default:
        System.out.println("done");
    }
  }
}
