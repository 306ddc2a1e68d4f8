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

/** Per site and period: how often its maps grew and the longest grow, emitted periodically. */
@Name("dev.tophash.SiteGrows")
@Label("HashMap Site Grows")
@Category({"tophash", "Maps"})
@Description("Grows of the maps allocated at one HashMap site during the period")
@Period("10 s")
@Enabled(true)
@StackTrace(false)
final class SiteGrowsEvent extends Event {
  @Label("Site")
  @Description("class#method:line")
  String site;

  @Label("Maps Allocated")
  long maps;

  @Label("Doubling Grows")
  long doublingGrows;

  @Label("Same-Size Grows")
  @Description("Grows forced by piled-up overflow buckets: delete-heavy churn")
  long sameSizeGrows;

  @Label("HashMap Resizes")
  @Description("impl=hashmap only: puts that crossed HashMap's resize threshold")
  long resizes;

  @Label("Longest Grow")
  @Timespan(Timespan.NANOSECONDS)
  long maxGrow;

  @Label("Overflow Buckets At Grow Start")
  long maxOverflowBuckets;
}
