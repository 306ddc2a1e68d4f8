package dev.tophash.agent.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.map.Counter;
import dev.tophash.map.Metric;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteInfo;
import dev.tophash.map.SiteSnapshot;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The periodic JFR events: per-period deltas of grows and evacuation steps, read back from a recording. */
class JfrEventsTest {
  private static final SiteInfo SITE =
      new SiteInfo(7, "com.example.Cache", "load", "()V", "Cache.java", 33, 0, "app");

  private static ProfileSnapshot snapshot(long grows, long... evacNanos) {
    long[] counters = new long[Counter.values().length];
    counters[Counter.MAPS.ordinal()] = 2;
    counters[Counter.DOUBLING_GROWS.ordinal()] = grows;
    Map<Metric, Histogram> h = new EnumMap<>(Metric.class);
    Histogram evac = SiteSnapshot.newHistogram();
    for (long v : evacNanos) {
      evac.recordValue(v);
    }
    h.put(Metric.EVAC_STEP_NANOS, evac);
    return new ProfileSnapshot(0, 1, false, 1, 1, List.of(new SiteSnapshot(SITE, counters, h)));
  }

  @Test
  void eventsCarryPerPeriodDeltas(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("r.jfr");
    Map<Integer, SiteSnapshot> growsPrev = new HashMap<>();
    Map<Integer, SiteSnapshot> evacPrev = new HashMap<>();
    try (Recording r = new Recording()) {
      r.enable("dev.tophash.SiteGrows");
      r.enable("dev.tophash.EvacuationSteps");
      r.start();
      assertEquals(1, JfrEvents.emitGrows(snapshot(2, 1_000, 2_000), growsPrev));
      assertEquals(1, JfrEvents.emitEvacuation(snapshot(2, 1_000, 2_000), evacPrev));
      // second period: one more grow and one long step
      assertEquals(1, JfrEvents.emitGrows(snapshot(3, 1_000, 2_000, 500_000), growsPrev));
      assertEquals(1, JfrEvents.emitEvacuation(snapshot(3, 1_000, 2_000, 500_000), evacPrev));
      // third period: nothing happened, nothing emitted
      assertEquals(0, JfrEvents.emitGrows(snapshot(3, 1_000, 2_000, 500_000), growsPrev));
      assertEquals(0, JfrEvents.emitEvacuation(snapshot(3, 1_000, 2_000, 500_000), evacPrev));
      r.stop();
      r.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file);
    List<RecordedEvent> grows = events.stream()
        .filter(e -> e.getEventType().getName().equals("dev.tophash.SiteGrows")).toList();
    List<RecordedEvent> evac = events.stream()
        .filter(e -> e.getEventType().getName().equals("dev.tophash.EvacuationSteps")).toList();
    assertEquals(2, grows.size());
    assertEquals(2, evac.size());
    assertEquals("com.example.Cache#load:33", grows.get(0).getString("site"));
    assertEquals(2L, grows.get(0).getLong("doublingGrows"));
    assertEquals(1L, grows.get(1).getLong("doublingGrows"));
    assertEquals(2L, evac.get(0).getLong("steps"));
    assertEquals(0L, evac.get(0).getLong("longSteps"));
    assertEquals(1L, evac.get(1).getLong("steps"));
    assertEquals(1L, evac.get(1).getLong("longSteps"));
    assertTrue(evac.get(1).getDuration("maxStep").toNanos() >= 490_000);
  }
}
