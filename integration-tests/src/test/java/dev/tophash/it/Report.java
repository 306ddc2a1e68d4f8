package dev.tophash.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A {@code report.json} as the tests read it: only the documented fields, read with a plain JSON
 * parser (never with the reports module's classes).
 */
public final class Report {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final JsonNode root;
  private final List<Site> sites = new ArrayList<>();

  private Report(Path file, JsonNode root) {
    this.file = file;
    this.root = root;
    for (JsonNode s : root.path("sites")) {
      Map<String, Long> counters = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = s.path("counters").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        counters.put(e.getKey(), e.getValue().asLong());
      }
      Map<String, Long> histogramCounts = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = s.path("histograms").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        histogramCounts.put(e.getKey(), e.getValue().path("count").asLong());
      }
      sites.add(new Site(s.path("key").asText(), s.path("className").asText(),
          s.path("methodName").asText(), s.path("sourceFile").asText(), s.path("line").asInt(),
          s.path("loaderName").asText(), counters, histogramCounts));
    }
  }

  /** Reads and checks the schema tag. */
  public static Report read(Path file) {
    assertTrue(Files.isRegularFile(file), () -> file + " was not written");
    try {
      JsonNode root = JSON.readTree(file.toFile());
      assertTrue(root.path("schema").asText().startsWith("tophash-report/"),
          () -> file + " has schema " + root.path("schema"));
      return new Report(file, root);
    } catch (IOException e) {
      throw new UncheckedIOException(file + " is not JSON", e);
    }
  }

  public Path file() {
    return file;
  }

  /** The {@code run} object. */
  public JsonNode run() {
    return root.path("run");
  }

  public JsonNode root() {
    return root;
  }

  /** Every site, including the placeholder for unattributed maps. */
  public List<Site> sites() {
    return sites;
  }

  /** Sites of classes whose name starts with {@code prefix} that allocated at least one map. */
  public List<Site> activeSites(String classPrefix) {
    return sites.stream()
        .filter(s -> s.className().startsWith(classPrefix) && s.counter("maps") > 0)
        .collect(Collectors.toList());
  }

  /** Sites of classes whose name starts with {@code prefix}, whether or not they allocated. */
  public List<Site> sites(String classPrefix) {
    return sites.stream()
        .filter(s -> s.className().startsWith(classPrefix))
        .collect(Collectors.toList());
  }

  /** The one site at {@code className#method:line} (and loader, when not null); fails if absent. */
  public Site site(String className, String method, int line, String loader) {
    List<Site> found = sites.stream()
        .filter(s -> s.className().equals(className) && s.methodName().equals(method)
            && s.line() == line && (loader == null || s.loaderName().equals(loader)))
        .collect(Collectors.toList());
    assertEquals(1, found.size(), () -> "sites " + className + "#" + method + ":" + line
        + (loader == null ? "" : " in loader " + loader) + " in " + file + "; the report has "
        + sites.stream().map(Site::describe).collect(Collectors.toList()));
    return found.get(0);
  }

  /** Sum of one counter over all sites. */
  public long total(String counter) {
    return sites.stream().mapToLong(s -> s.counter(counter)).sum();
  }

  /** One allocation site of the report. */
  public record Site(String key, String className, String methodName, String sourceFile, int line,
      String loaderName, Map<String, Long> counters, Map<String, Long> histogramCounts) {
    public long counter(String name) {
      return counters.getOrDefault(name, 0L);
    }

    /** Lookups, inserts, updates and deletes. */
    public long operations() {
      return counter("lookups") + counter("inserts") + counter("updates") + counter("deletes");
    }

    String describe() {
      return className + "#" + methodName + ":" + line + "@" + loaderName + " maps=" + counter("maps");
    }
  }
}
