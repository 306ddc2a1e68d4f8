package dev.tophash.agent;

import java.nio.file.Files;
import java.nio.file.Paths;

/** This JVM's process id, cheaply at start-up. */
final class Pid {
  private Pid() {}

  /**
   * The pid. On Linux it is read from {@code /proc/self}; {@link ProcessHandle#current()} costs
   * tens of milliseconds at start-up (it starts the process reaper's machinery).
   */
  static long current() {
    try {
      return Long.parseLong(Files.readSymbolicLink(Paths.get("/proc/self")).toString());
    } catch (Exception | LinkageError e) {
      return ProcessHandle.current().pid();
    }
  }
}
