package dev.tophash.reports;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * What a report says about the run itself: the JVM, when it ran, the agent's options and what
 * the agent rewrote. Mutable while the run goes on; the agent fills it, writers read it.
 *
 * <p>A merged report (the {@code merge} command) has one {@link #members member} per JVM it was
 * merged from; its own fields then aggregate theirs (earliest start, latest end, summed counts).
 */
public final class RunInfo {
  public String jvm = System.getProperty("java.vm.name", "") + " " + System.getProperty("java.runtime.version", "");
  public long pid = currentPid();
  public String mainCommand = System.getProperty("sun.java.command", "");
  public long startEpochMillis;
  public long endEpochMillis;
  /** The agent's option string as given. */
  public String options = "";
  /** "tophash" or "hashmap" ("mixed" only in a merged report of both). */
  public String impl = "tophash";
  /** Whether the agent was attached to a running JVM (maps created before stay HashMaps). */
  public boolean attached;
  public long classesRewritten;
  public long classesSkipped;
  public long classesFailed;
  public long sitesRewritten;
  /** Notes printed in the report header (e.g. "maps created before attach are not covered"). */
  public final List<String> notes = new ArrayList<>();
  /** The runs a merged report was made of, one per JVM; empty for a single run. */
  public final List<RunInfo> members = new ArrayList<>();

  /**
   * This JVM's process id, cheaply: on Linux it is read from {@code /proc/self};
   * {@link ProcessHandle#current()} costs tens of milliseconds the first time (it starts the
   * process reaper's machinery), which the agent would pay at start-up or while writing the
   * report at exit.
   */
  public static long currentPid() {
    try {
      return Long.parseLong(Files.readSymbolicLink(Paths.get("/proc/self")).toString());
    } catch (Exception | LinkageError e) {
      return ProcessHandle.current().pid();
    }
  }

  /** A run with every field blank, for readers that fill it from a report file. */
  public static RunInfo blank() {
    RunInfo r = new RunInfo();
    r.jvm = "";
    r.pid = 0;
    r.mainCommand = "";
    return r;
  }
}
