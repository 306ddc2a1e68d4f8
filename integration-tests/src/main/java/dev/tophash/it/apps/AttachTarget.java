package dev.tophash.it.apps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

/**
 * A long-running application for attach, dump and detach. It works on maps until told to stop,
 * and takes orders through files in the directory named by its argument: for a file
 * {@code probe-N} it prints {@code probe N <class of a new map> <class of the map made at start>},
 * for {@code stop} it prints {@code bye} and returns from {@code main}.
 */
public final class AttachTarget {
  private AttachTarget() {}

  public static void main(String[] args) throws Exception {
    Path control = Paths.get(args[0]);
    Map<String, Integer> early = freshMap();
    System.out.println("ready " + ProcessHandle.current().pid());
    System.out.flush();
    long deadline = System.currentTimeMillis() + 150_000;
    long sink = 0;
    while (System.currentTimeMillis() < deadline) {
      sink += work();
      try (var files = Files.list(control)) {
        for (Path f : (Iterable<Path>) files.sorted()::iterator) {
          String name = f.getFileName().toString();
          if (name.startsWith("probe-")) {
            Map<String, Integer> m = freshMap();
            m.put(name, 1);
            System.out.println("probe " + name.substring(6) + " " + m.getClass().getName() + " "
                + early.getClass().getName());
            System.out.flush();
            Files.delete(f);
          } else if (name.equals("stop")) {
            System.out.println("bye " + (sink != 0));
            return;
          }
        }
      }
      Thread.sleep(10);
    }
    System.out.println("never stopped");
    System.exit(9);
  }

  /** A new map from a method that is not running while the agent attaches. */
  static Map<String, Integer> freshMap() {
    return new HashMap<>(); // site:fresh
  }

  static long work() {
    Map<Integer, Integer> squares = new HashMap<>(); // site:work
    for (int i = 0; i < 2_000; i++) {
      squares.put(i, i * i);
    }
    long s = 0;
    for (int i = 0; i < 2_000; i += 7) {
      s += squares.get(i);
    }
    return s;
  }
}
