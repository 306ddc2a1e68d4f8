package dev.tophash.agent.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.map.MapSites;
import dev.tophash.map.TophashMap;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;

/** The MBean as a JMX client sees it: read-only attributes, composite site data, dump. */
class ProfilerTest {
  @Test
  void attributesAndDump() throws Exception {
    int site = MapSites.register("com.example.Shop", "cart", "()V", "Shop.java", 12, "app");
    Map<String, Integer> m = new TophashMap<>((Void) null, site);
    m.put("a", 1);
    Profiler.register(new Profiler("sample=1", "tophash", "/tmp/x", () -> 3, () -> 1,
        () -> "report written to /tmp/x"));
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName name = new ObjectName(Profiler.OBJECT_NAME);
      assertEquals(3L, server.getAttribute(name, "ClassesRewritten"));
      assertEquals("tophash", server.getAttribute(name, "Impl"));
      assertTrue((Integer) server.getAttribute(name, "SiteCount") >= 1);
      CompositeData[] sites = (CompositeData[]) server.getAttribute(name, "Sites");
      boolean found = false;
      for (CompositeData d : sites) {
        if (d.get("key").equals("com.example.Shop#cart:12")) {
          found = true;
          assertEquals(12, d.get("line"));
          assertEquals(1L, d.get("maps"));
        }
      }
      assertTrue(found, "site in the Sites attribute");
      assertEquals("report written to /tmp/x", server.invoke(name, "dump", null, null));
      for (javax.management.MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
        assertTrue(!a.isWritable(), a.getName() + " is writable");
      }
    } finally {
      Profiler.unregister();
    }
  }
}
