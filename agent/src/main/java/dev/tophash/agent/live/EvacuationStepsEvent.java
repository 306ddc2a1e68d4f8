package dev.tophash.agent.live;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * Per site and period: the incremental evacuation steps its maps' writes performed, the longest
 * one and how many took at least {@link JfrEvents#LONG_STEP_NANOS}.
 */
@Name("dev.tophash.EvacuationSteps")
@Label("HashMap Site Evacuation Steps")
@Category({"tophash", "Maps"})
@Description("Evacuation work done by writes to the maps of one site during the period")
@Period("10 s")
@Enabled(true)
@StackTrace(false)
final class EvacuationStepsEvent extends Event {
  @Label("Site")
  @Description("class#method:line")
  String site;

  @Label("Steps")
  long steps;

  @Label("Long Steps")
  @Description("Steps that took 100 microseconds or more")
  long longSteps;

  @Label("Longest Step")
  @Timespan(Timespan.NANOSECONDS)
  long maxStep;

  @Label("99th Percentile Step")
  @Timespan(Timespan.NANOSECONDS)
  long p99Step;
}
