package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.it.apps.DemoApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report tools on real reports: A/B {@code compare} and the fleet {@code merge}. */
class CompareMergeIT {
  static final String DEMO = DemoApp.class.getName();

  @Test
  void compareHashMapRunWithTophashRun() throws Exception {
    Path work = ItEnv.newWorkDir("compare");
    RunResult a = JvmRun.main(DemoApp.class).name("a-hashmap").dir(work.resolve("a"))
        .agent("impl=hashmap").args("4").run();
    RunResult b = JvmRun.main(DemoApp.class).name("b-tophash").dir(work.resolve("b"))
        .agent("impl=tophash").args("4").run();
    a.assertExitCode(0).assertOnlyStartupLine();
    b.assertExitCode(0).assertOnlyStartupLine();
    assertEquals(a.stdout(), b.stdout(), "both arms compute the same");
    assertTrue(a.stderr().contains("impl=hashmap"), a::toString);

    Report ra = a.report();
    Report rb = b.report();
    assertEquals("hashmap", ra.run().path("impl").asText());
    assertEquals("tophash", rb.run().path("impl").asText());
    int ordersLine = Sources.line(DemoApp.class, "orders");
    Report.Site aOrders = ra.site(DEMO, "loadOrders", ordersLine, "app");
    Report.Site bOrders = rb.site(DEMO, "loadOrders", ordersLine, "app");
    assertEquals(4, aOrders.counter("maps"));
    assertEquals(aOrders.counter("maps"), bOrders.counter("maps"));
    assertTrue(aOrders.counter("resizes") > 0, "impl=hashmap records HashMap's resizes: " + aOrders);
    assertEquals(aOrders.counter("inserts"), bOrders.counter("inserts"),
        "both arms count the same inserts at the same site");

    Path html = work.resolve("compare.html");
    RunResult cmp = JvmRun.agentCli("compare", ra.file().toString(), rb.file().toString(),
        "--html", html.toString()).dir(work.resolve("cli")).run();
    cmp.assertExitCode(0);
    assertEquals("", cmp.stderr(), cmp::toString);
    for (String s : new String[] {"loadOrders", "priceCells", "slidingWindow", "countWords"}) {
      assertTrue(cmp.stdout().contains(DEMO + "#" + s + ":"), () -> "compare lacks " + s + "\n" + cmp.stdout());
    }
    String out = cmp.stdout().toLowerCase(java.util.Locale.ROOT);
    assertTrue(out.contains("better") || out.contains("worse") || out.contains("within noise"),
        "a verdict per site\n" + cmp.stdout());
    assertTrue(out.contains("resize"), "HashMap's resize pauses beside the evacuation pauses\n" + cmp.stdout());
    assertTrue(Files.size(html) > 0, "compare --html wrote nothing");

    RunResult gate = JvmRun.agentCli("compare", ra.file().toString(), ra.file().toString(),
        "--fail-if-worse=1.5").dir(work.resolve("cli-gate")).run();
    assertEquals(0, gate.exitCode(), () -> "A against itself is never worse\n" + gate);
  }

  @Test
  void mergeReportsOfThreeJvms() throws Exception {
    Path work = ItEnv.newWorkDir("merge");
    List<Report> inputs = new ArrayList<>();
    List<String> cli = new ArrayList<>(List.of("merge", work.resolve("merged.json").toString()));
    for (int i = 1; i <= 3; i++) {
      // different scales: the three JVMs of the fleet did different amounts of work
      RunResult r = JvmRun.main(DemoApp.class).name("jvm" + i).dir(work.resolve("jvm" + i))
          .agent("").args(Integer.toString(10 * i)).run();
      r.assertExitCode(0);
      inputs.add(r.report());
      cli.add(r.reportDir().resolve("report.json").toString());
    }
    RunResult merge = JvmRun.agentCli(cli.toArray(new String[0])).dir(work.resolve("cli")).run();
    merge.assertExitCode(0);
    Report merged = Report.read(work.resolve("merged.json"));
    assertEquals(3, merged.run().path("members").size(), "the three runs are listed as members");

    String[][] sites = {{"orders", "loadOrders"}, {"cells", "priceCells"}, {"window", "slidingWindow"},
        {"words", "countWords"}};
    for (String[] s : sites) {
      int line = Sources.line(DemoApp.class, s[0]);
      Report.Site m = merged.site(DEMO, s[1], line, "app");
      for (String counter : m.counters().keySet()) {
        long sum = 0;
        for (Report in : inputs) {
          sum += in.site(DEMO, s[1], line, "app").counter(counter);
        }
        assertEquals(sum, m.counter(counter), s[1] + " " + counter + " is the sum over the JVMs");
      }
      for (String h : m.histogramCounts().keySet()) {
        long sum = 0;
        for (Report in : inputs) {
          sum += in.site(DEMO, s[1], line, "app").histogramCounts().getOrDefault(h, 0L);
        }
        assertEquals(sum, m.histogramCounts().get(h), s[1] + " histogram " + h + " adds up");
      }
    }
    assertEquals(inputs.stream().mapToLong(r -> r.total("inserts")).sum(), merged.total("inserts"));

    // The merged report reads back through the report command.
    RunResult text = JvmRun.agentCli("report", work.resolve("merged.json").toString())
        .dir(work.resolve("cli-report")).run();
    text.assertExitCode(0);
    assertTrue(text.stdout().contains(DEMO + "#loadOrders:" + Sources.line(DemoApp.class, "orders")),
        text::toString);
  }
}
