package dev.tophash.reports.cli;

import java.io.PrintStream;

/** The report, compare and merge commands. STUB. */
public final class ReportsCli {
  private ReportsCli() {}

  /** Whether {@code command} is one of this CLI's commands. */
  public static boolean handles(String command) {
    return "report".equals(command) || "compare".equals(command) || "merge".equals(command);
  }

  /** Runs one command ({@code args[0]}) and returns the process exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    err.println("not yet");
    return 2;
  }
}
