package dev.tophash.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  @Test
  void defaults() {
    AgentConfig c = AgentConfig.defaults();
    assertEquals("tophash-report-%p", c.reportPattern());
    assertEquals(Paths.get("tophash-report-42").toAbsolutePath(), c.reportDir(42));
    assertEquals(List.of(), c.includes());
    assertFalse(c.jdk());
    assertEquals(1, c.sample());
    assertEquals(1, c.maps());
    assertTrue(c.record());
    assertEquals(Duration.ofSeconds(10), c.interval());
    assertEquals(AgentConfig.Impl.TOPHASH, c.impl());
    assertFalse(c.racesThrow());
    assertFalse(c.verbose());
    assertFalse(c.help());
  }

  @Test
  void everyOption() {
    AgentConfig c = AgentConfig.parse("report=/tmp/r-%p,include=com.a.*;com.b.C|com.d.E*,"
        + "exclude=com.a.internal.*,jdk=true,sample=16,maps=4,record=off,interval=500ms,"
        + "impl=hashmap,races=throw,verbose");
    assertEquals(Paths.get("/tmp/r-7"), c.reportDir(7));
    assertEquals(List.of("com.a.*", "com.b.C", "com.d.E*"), c.includes());
    assertEquals(List.of("com.a.internal.*"), c.excludes());
    assertTrue(c.jdk());
    assertEquals(16, c.sample());
    assertEquals(4, c.maps());
    assertFalse(c.record());
    assertEquals(Duration.ofMillis(500), c.interval());
    assertEquals(AgentConfig.Impl.HASHMAP, c.impl());
    assertEquals("dev/tophash/map/RecordingHashMap", c.impl().internalName());
    assertTrue(c.racesThrow());
    assertTrue(c.verbose());
  }

  @Test
  void durations() {
    assertEquals(Duration.ZERO, AgentConfig.parse("interval=off").interval());
    assertEquals(Duration.ZERO, AgentConfig.parse("interval=0").interval());
    assertEquals(Duration.ofSeconds(3), AgentConfig.parse("interval=3").interval());
    assertEquals(Duration.ofMinutes(2), AgentConfig.parse("interval=2m").interval());
  }

  @Test
  void refusals() {
    assertMessage("unknown option \"bogus\"", "bogus=1");
    assertMessage("sample=0 is not a whole number", "sample=0");
    assertMessage("sample=x is not a whole number", "sample=x");
    assertMessage("interval=soon is not a duration", "interval=soon");
    assertMessage("impl=treemap is not tophash or hashmap", "impl=treemap");
    assertMessage("races=ignore is not count or throw", "races=ignore");
    assertMessage("jdk=maybe is not on/off", "jdk=maybe");
    assertMessage("option \"report\" needs a value", "report");
    assertMessage("given twice", "sample=2,sample=3");
    assertMessage("empty option", "sample=2,,maps=3");
    assertMessage("include= pattern \"com foo\"", "include=com foo");
  }

  private static void assertMessage(String expected, String options) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse(options));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void helpListsEveryOption() {
    AgentConfig c = AgentConfig.parse("help");
    assertTrue(c.help());
    String help = AgentConfig.helpText();
    for (String key : new String[] {"report=", "include=", "exclude=", "jdk=", "sample=", "maps=",
        "record=", "interval=", "impl=", "races=", "verbose", "help", "EnableDynamicAgentLoading"}) {
      assertTrue(help.contains(key), key);
      if (!key.equals("EnableDynamicAgentLoading")) {
        assertTrue(AgentConfig.validOptions().contains(key), key);
      }
    }
  }
}
