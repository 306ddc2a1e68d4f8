package dev.tophash.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An OutOfMemoryError while a grow allocates its new arrays leaves the map consistent and usable:
 * a child JVM with a small heap grows a map until allocation fails, then checks it.
 */
class OutOfMemoryTest {

  /** The child: fills a map until OutOfMemoryError, frees its ballast, checks the map. */
  public static void main(String[] args) {
    // The heap is squeezed with ballast so that some grow's new arrays cannot be allocated; if the
    // error strikes elsewhere first (boxing a key, the ballast itself), try again with other sizes.
    for (int attempt = 0; attempt < 8; attempt++) {
      TophashMap<Integer, Integer> m = new TophashMap<>();
      List<long[]> ballast = new ArrayList<>();
      int inserted = 0;
      boolean inGrow = false;
      try {
        for (int i = 0; ; i++) {
          if (i % (40_000 + attempt * 7_000) == 0) {
            ballast.add(new long[150_000 + attempt * 20_000]);
          }
          Integer k = i;
          m.put(k, k);
          inserted++;
        }
      } catch (OutOfMemoryError e) {
        ballast.clear();
        for (StackTraceElement f : e.getStackTrace()) {
          inGrow |= f.getMethodName().equals("hashGrow");
        }
      }
      ballast = null;
      System.gc();
      m.checkInvariants();
      if (m.size() != inserted) {
        System.out.println("size " + m.size() + " but inserted " + inserted);
        System.exit(2);
      }
      for (int i = 0; i < inserted; i++) {
        if (!Integer.valueOf(i).equals(m.get(i))) {
          System.out.println("lost key " + i);
          System.exit(3);
        }
      }
      m.put(-1, -1);
      m.remove(0);
      m.checkInvariants();
      if (inGrow) {
        System.out.println("OK " + inserted + " entries, B " + m.shape().b() + ", failed in hashGrow");
        return;
      }
    }
    System.out.println("never failed inside a grow");
    System.exit(4);
  }

  @Test
  void aFailedGrowAllocationLeavesTheMapUsable() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p = new ProcessBuilder(java, "-Xmx48m", "-XX:-UseGCOverheadLimit", "-cp",
        System.getProperty("java.class.path"), OutOfMemoryTest.class.getName())
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child finished");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.startsWith("OK "), out);
    assertTrue(out.contains("failed in hashGrow"), "the OutOfMemoryError hit a grow: " + out);
  }
}
