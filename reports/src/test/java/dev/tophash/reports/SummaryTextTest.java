package dev.tophash.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.reports.text.SummaryText;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTextTest {
  private final String text = SummaryText.render(Fixtures.report());

  private List<String> lines() {
    return text.lines().toList();
  }

  private String lineStarting(String prefix) {
    return lines().stream().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no line starts with '" + prefix + "' in\n" + text));
  }

  @Test
  void everyLineFitsTheWidth() {
    for (String l : lines()) {
      assertTrue(l.length() <= SummaryText.WIDTH, () -> "too wide (" + l.length() + "): " + l);
    }
  }

  @Test
  void headerDescribesTheRun() {
    assertEquals("jvm        OpenJDK 64-Bit Server VM 17.0.15, pid 4242, impl=tophash",
        lineStarting("jvm "));
    assertEquals("ran        2026-11-18 11:06:40.000 UTC to 2026-11-18 11:07:40.000 UTC (60.000 s)",
        lineStarting("ran "));
    assertEquals("classes    12 rewritten, 3 skipped, 0 failed; 4 sites rewritten",
        lineStarting("classes "));
    assertEquals("sites      4 seen, 3 active", lineStarting("sites "));
    assertEquals("maps       7 allocated, 7 tracked", lineStarting("maps "));
    // 1000 + 400 + 200 + 200 + 1000 + 900
    assertEquals("operations 3,700 (lookups, inserts, updates, deletes)", lineStarting("operations "));
    assertEquals("note       a test run", lineStarting("note "));
  }

  @Test
  void rankingUsesTheStatedCost() {
    assertTrue(text.contains("Sites are ranked by estimated cost: 1 ns per tophash slot examined"));
    // cache: probes 500+600+450+450 + 800 = 2800 slots, 10 false positives (50 ns),
    // pauses 100*1000 + 250000 (hdr keeps 250,000 within 1%) + 12*5000.
    // index: 30*200 + 31*200 = 12,200 slots, 2,000 false positives = 10,000 ns, 4 operations of
    // 250 ns in HashMap's tree bins after flooding -> 23.2us.
    // queue: 2,000 + 2,700 = 4,700 slots.
    List<String> ranks = lines().stream().filter(l -> l.matches("^ +[0-9]+ .*")).toList();
    assertEquals(3, ranks.size(), text);
    assertTrue(ranks.get(0).endsWith(Fixtures.CACHE), ranks.get(0));
    assertTrue(ranks.get(1).endsWith(Fixtures.INDEX), ranks.get(1));
    assertTrue(ranks.get(2).endsWith(Fixtures.QUEUE), ranks.get(2));
    assertTrue(ranks.get(1).contains("23.2us"), ranks.get(1));
    assertTrue(ranks.get(2).contains("4.70us"), ranks.get(2));
    assertTrue(ranks.get(2).contains("250\u2030"), ranks.get(2));
    // 100 steps of 1000 ns (kept as 1003 ns, HdrHistogram's bucket of 4 at that size) + one of
    // 250 us (250,112 ns: 2 significant digits) + 12 grow starts of 5 us (5,016 ns) + 2,850 ns
    assertEquals("    1     414us  93.7%        4    1,400        2.00      9         -  "
        + Fixtures.CACHE, ranks.get(0));
    for (String l : lines()) {
      assertEquals(l.stripTrailing(), l, "no trailing blanks");
    }
  }

  @Test
  void longSiteKeysKeepTheirMethodAndLine() {
    assertEquals("dev.tophash.it.apps.DemoApp#priceCells:66",
        SummaryText.shortKey("dev.tophash.it.apps.DemoApp#priceCells:66", 60));
    assertEquals("d.t.i.a.DemoApp#priceCells:66",
        SummaryText.shortKey("dev.tophash.it.apps.DemoApp#priceCells:66", 31));
    assertEquals("~emoApp#priceCells:66",
        SummaryText.shortKey("dev.tophash.it.apps.DemoApp#priceCells:66", 21));
  }

  @Test
  void percentilesAreExact() {
    // probe.hit of the cache: 500x1, 300x2, 150x3, 50x9 -> p50 1, p90 3, p99 9, p99.9 9, max 9,
    // mean (500 + 600 + 450 + 450) / 1000 = 2.00
    String row = lines().stream().filter(l -> l.trim().startsWith("probe.hit")).findFirst().orElseThrow();
    assertEquals("   probe.hit           slots       1,000     2.00        1        3        9        9"
        + "        9", row);
    String tomb = lines().stream().filter(l -> l.trim().startsWith("tombstones.permille"))
        .findFirst().orElseThrow();
    // 100 x 100 and 800 x 250 per mille: mean 233.33, everything from p50 up is 250
    assertEquals("   tombstones.permille permille      900   233.33      250      250      250      250"
        + "      250", tomb);
  }

  @Test
  void presizeAdviceCarriesItsNumbers() {
    assertTrue(flat().contains("presize: maps grew 3.0 times on average from no size hint; peak "
        + "sizes p50 64-127, p90 128-255 -> presize to 256 (B=6, 64 buckets; with plain HashMap: "
        + "HashMap.newHashMap(256))"), text);
  }

  @Test
  void poorHashAdvice() {
    assertTrue(flat().contains("poor hashCode: mean probe 30.5 slots (p99 31, max 31), 5.00 false "
        + "positives per operation, 3 long probes"), text);
  }

  @Test
  void floodingAdvice() {
    assertTrue(flat().contains("possible hash flooding: 1 map(s) met a chain of keys sharing one "
        + "hashCode (3 long probes) and switched to a collision-resistant mode"), text);
    assertTrue(flat().contains("4 operations since in HashMap's tree bins took 1.00us in all (mean 250ns, max 250ns)"), text);
    assertTrue(flat().contains("pauses 0ns + operations in HashMap's tree bins 1.00us"), text);
  }

  @Test
  void churnAndConcurrencyAdvice() {
    assertTrue(flat().contains("delete churn: 900 deletes against 1,000 inserts; tombstones p50 "
        + "250, p90 250 per mille of used slots; 2 same-size grows"), text);
    assertTrue(flat().contains("concurrent writes: 4 writes found another write in progress"), text);
  }

  @Test
  void pauseAdvice() {
    assertTrue(flat().contains("growth pauses: grow start p99 5.02us max 5.02us; evacuation step "
        + "p99 1.00us max 251us; a grow lasted up to 2.01ms over up to 20 writes"), text);
  }

  @Test
  void goSizing() {
    assertEquals(0, SiteAnalysis.bucketsLog2ForHint(0));
    assertEquals(0, SiteAnalysis.bucketsLog2ForHint(8));
    assertEquals(1, SiteAnalysis.bucketsLog2ForHint(9));
    assertEquals(1, SiteAnalysis.bucketsLog2ForHint(13));
    assertEquals(2, SiteAnalysis.bucketsLog2ForHint(14));
    assertEquals(2, SiteAnalysis.bucketsLog2ForHint(26));
    assertEquals(3, SiteAnalysis.bucketsLog2ForHint(27));
    assertEquals(10, SiteAnalysis.bucketsLog2ForHint(6656));
    assertEquals(11, SiteAnalysis.bucketsLog2ForHint(6657));
  }

  @Test
  void goSizingMatchesTheMap() {
    for (long hint = 0; hint < 100_000; hint++) {
      assertEquals(dev.tophash.map.TophashMap.bucketShiftForHint(hint),
          SiteAnalysis.bucketsLog2ForHint(hint), "hint " + hint);
    }
  }

  @Test
  void hashmapArmIsExplainedAndRankedByResizes() {
    String h = SummaryText.render(CompareMergeTest.hashmapArm());
    assertTrue(h.replaceAll("\n +", " ").contains("note       impl=hashmap keeps java.util.HashMap's "
        + "algorithm"), h);
    // 12 resizes of 400,000 ns (HdrHistogram: 400,384 each) = 4.80 ms; 1,400 counted operations
    assertTrue(h.contains("    1    4.80ms 100.0%        4    1,400           -      -         -  "
        + Fixtures.CACHE), h);
    // 12 resizes over 4 maps: 3 per map, peaks 128-255
    assertTrue(h.replaceAll("\n +(- )?", " ").contains("presize: maps grew 3.0 times on average from "
        + "no size hint; peak sizes p50 128-255, p90 128-255 -> presize to 256"), h);
    // 400 us is below the 1 ms resize-pause threshold
    assertTrue(!h.contains("- resize pauses:"), h);
  }

  @Test
  void emptySnapshotSaysSo() {
    String empty = SummaryText.render(new Report(Fixtures.run("tophash"),
        Fixtures.snapshot(Fixtures.idle())));
    assertTrue(empty.contains("No site recorded anything (1 sites seen)."), empty);
  }

  /** The text with wrapped lines joined, to match advice sentences. */
  private String flat() {
    return text.replaceAll("\n +(- )?", " ");
  }
}
