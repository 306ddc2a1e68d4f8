package dev.tophash.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.map.Metric;
import dev.tophash.reports.hgrm.HgrmWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HgrmWriterTest {
  @TempDir
  Path tmp;

  @Test
  void oneFilePerSiteAndNonEmptyMetric() throws Exception {
    Path dir = tmp.resolve("hgrm");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("stale-00000000.probe.hit.hgrm"), "old");
    HgrmWriter.write(Fixtures.report(), dir);
    List<String> names;
    try (Stream<Path> s = Files.list(dir)) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    // cache 9 metrics, index 5, queue 4, idle none; plus index.txt; the stale file is gone,
    // and so are the staging and old directories
    assertEquals(9 + 5 + 4 + 1, names.size(), names.toString());
    assertFalse(names.contains("stale-00000000.probe.hit.hgrm"));
    assertFalse(Files.exists(tmp.resolve("hgrm.tmp")));
    assertFalse(Files.exists(tmp.resolve("hgrm.old")));
    for (String n : names) {
      assertTrue(n.matches("[A-Za-z0-9._-]+"), n);
    }
    String hit = HgrmWriter.fileName(Fixtures.CACHE, Metric.PROBE_HIT);
    assertTrue(hit.matches("com\\.example\\.Cache_load_42-[0-9a-f]{8}\\.probe\\.hit\\.hgrm"), hit);
    List<String> lines = Files.readAllLines(dir.resolve(hit));
    assertEquals("       Value     Percentile TotalCount 1/(1-Percentile)", lines.get(0));
    assertEquals("        1.00 0.000000000000        500           1.00", lines.get(2));
    assertEquals("        3.00 0.900000000000        950          10.00", lines.get(19));
    assertEquals("        9.00 1.000000000000       1000", lines.get(26));
    assertEquals("#[Mean    =         2.00, StdDeviation   =         1.76]", lines.get(27));
    assertEquals("#[Max     =         9.00, Total count    =         1000]", lines.get(28));
    String index = Files.readString(dir.resolve("index.txt"));
    assertTrue(index.contains(hit + "\t" + Fixtures.CACHE + "\tprobe.hit\tslots\n"), index);
  }

  @Test
  void namesOfSimilarKeysStayApart() {
    assertFalse(HgrmWriter.fileName("a.B#c:1", Metric.PROBE_HIT)
        .equals(HgrmWriter.fileName("a.B_c:1", Metric.PROBE_HIT)));
    String longKey = "x".repeat(500) + "#m:1";
    assertTrue(HgrmWriter.fileName(longKey, Metric.PROBE_HIT).length() < 160);
  }
}
