package dev.tophash.it.libs;

import java.util.HashMap;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.HdrHistogram.Histogram;

/**
 * An application that ships its own HdrHistogram and Byte Buddy (both of which the agent carries
 * too, relocated). Compiled at test time against the jars in {@code target/apps}.
 */
public final class OwnLibsApp {
  private OwnLibsApp() {}

  public static void main(String[] args) throws Exception {
    Histogram h = new Histogram(3_600_000_000L, 3);
    Map<Integer, Long> latencies = new HashMap<>(); // site:latencies
    for (int i = 1; i <= 20_000; i++) {
      long v = (i * 7_919L) % 100_000 + 1;
      h.recordValue(v);
      latencies.merge(i % 100, v, Long::sum);
    }
    System.out.println("hdr p50 " + h.getValueAtPercentile(50) + " p99 " + h.getValueAtPercentile(99)
        + " from " + jarOf(Histogram.class));
    Class<?> generated = new ByteBuddy()
        .subclass(Object.class)
        .name("dev.tophash.it.libs.Generated")
        .method(ElementMatchers.named("toString")).intercept(FixedValue.value("made by byte buddy"))
        .make()
        .load(OwnLibsApp.class.getClassLoader())
        .getLoaded();
    System.out.println(generated.getDeclaredConstructor().newInstance() + " from " + jarOf(ByteBuddy.class));
    long sum = 0;
    for (long v : latencies.values()) {
      sum += v;
    }
    System.out.println("latencies " + latencies.size() + " " + sum + " " + latencies.getClass().getName());
  }

  private static String jarOf(Class<?> c) {
    String s = c.getProtectionDomain().getCodeSource().getLocation().getPath();
    return s.substring(s.lastIndexOf('/') + 1);
  }
}
