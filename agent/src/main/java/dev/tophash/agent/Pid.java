package dev.tophash.agent;

import dev.tophash.reports.RunInfo;

/** This JVM's process id, cheaply at start-up. */
final class Pid {
  private Pid() {}

  /** The pid, without {@link ProcessHandle} (see {@link RunInfo#currentPid()}). */
  static long current() {
    return RunInfo.currentPid();
  }
}
