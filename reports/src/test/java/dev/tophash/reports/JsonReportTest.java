package dev.tophash.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tophash.map.Metric;
import dev.tophash.map.SiteSnapshot;
import dev.tophash.reports.json.JsonReport;
import dev.tophash.reports.text.SummaryText;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonReportTest {
  @TempDir
  Path tmp;

  private Path written(Report r) throws Exception {
    Path f = tmp.resolve("report.json");
    AtomicFiles.writeBytes(f, out -> JsonReport.write(r, out));
    return f;
  }

  @Test
  void roundTripKeepsEverything() throws Exception {
    Report original = Fixtures.report();
    Report back = JsonReport.read(written(original));
    assertEquals(original.sites().size(), back.sites().size());
    for (int i = 0; i < original.sites().size(); i++) {
      SiteSnapshot a = original.sites().get(i);
      SiteSnapshot b = back.sites().get(i);
      assertEquals(a.site().key(), b.site().key());
      assertEquals(a.site().methodDescriptor(), b.site().methodDescriptor());
      assertEquals(a.site().sourceFile(), b.site().sourceFile());
      assertEquals(a.site().loaderName(), b.site().loaderName());
      assertArrayEquals(a.counters(), b.counters());
      for (Metric m : Metric.values()) {
        assertEquals(a.histogram(m), b.histogram(m), a.site().key() + " " + m.tag());
      }
    }
    assertEquals(original.run().notes, back.run().notes);
    assertEquals(original.run().pid, back.run().pid);
    assertEquals(Fixtures.START, back.snapshot().startEpochMillis());
  }

  @Test
  void summaryFromJsonIsTheSameText() throws Exception {
    Report original = Fixtures.report();
    Report back = JsonReport.read(written(original));
    assertEquals(SummaryText.render(original), SummaryText.render(back));
  }

  @Test
  void schemaAndConvenienceFigures() throws Exception {
    String json = Files.readString(written(Fixtures.report()));
    assertTrue(json.contains("\"schema\" : \"tophash-report/1\""), json);
    // the cache's probe.hit: 1000 values, p50 1, p99 9, max 9
    int at = json.indexOf("\"probe.hit\"");
    String hit = json.substring(at, json.indexOf('}', at));
    assertTrue(hit.contains("\"count\" : 1000"), hit);
    assertTrue(hit.contains("\"p50\" : 1"), hit);
    assertTrue(hit.contains("\"p99\" : 9"), hit);
    assertTrue(hit.contains("\"max\" : 9"), hit);
    assertTrue(hit.contains("\"mean\" : 2.0"), hit);
  }

  @Test
  void missingFile() {
    Path f = tmp.resolve("nope.json");
    ReportFileException e = assertThrows(ReportFileException.class, () -> JsonReport.read(f));
    assertEquals(f + ": no such file", e.getMessage());
  }

  @Test
  void aReportDirectoryStandsForItsJson() throws Exception {
    written(Fixtures.report());
    assertEquals(4, JsonReport.read(tmp).sites().size());
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    ReportFileException e = assertThrows(ReportFileException.class, () -> JsonReport.read(empty));
    assertEquals(empty + ": is a directory without a report.json", e.getMessage());
  }

  @Test
  void truncatedFile() throws Exception {
    byte[] all = Files.readAllBytes(written(Fixtures.report()));
    Path f = tmp.resolve("cut.json");
    Files.write(f, java.util.Arrays.copyOf(all, all.length / 2));
    ReportFileException e = assertThrows(ReportFileException.class, () -> JsonReport.read(f));
    assertTrue(e.getMessage().startsWith(f + ": truncated: the JSON ends early"), e.getMessage());
  }

  @Test
  void emptyFile() throws Exception {
    Path f = Files.writeString(tmp.resolve("empty.json"), "");
    ReportFileException e = assertThrows(ReportFileException.class, () -> JsonReport.read(f));
    assertEquals(f + ": is empty, expected a tophash report (JSON)", e.getMessage());
  }

  @Test
  void foreignJson() throws Exception {
    Path f = Files.writeString(tmp.resolve("package.json"), "{\"name\": \"left-pad\", \"version\": \"1.3.0\"}");
    ReportFileException e = assertThrows(ReportFileException.class, () -> JsonReport.read(f));
    assertTrue(e.getMessage().startsWith(f + ": not a tophash report (no \"schema\" field first)"),
        e.getMessage());
    Path g = Files.writeString(tmp.resolve("other.json"), "{\"schema\": \"something/2\"}");
    e = assertThrows(ReportFileException.class, () -> JsonReport.read(g));
    assertTrue(e.getMessage().startsWith(g + ": not a tophash report (its schema is \"something/2\")"),
        e.getMessage());
    Path h = Files.writeString(tmp.resolve("list.json"), "[1, 2]");
    e = assertThrows(ReportFileException.class, () -> JsonReport.read(h));
    assertTrue(e.getMessage().contains("not a tophash report (it does not hold a JSON object)"));
  }

  @Test
  void notJsonAtAll() throws Exception {
    Path f = Files.writeString(tmp.resolve("summary.txt"), "tophash report\n==============\n");
    ReportFileException e = assertThrows(ReportFileException.class, () -> JsonReport.read(f));
    assertTrue(e.getMessage().startsWith(f + ": not valid JSON (line 1, column"), e.getMessage());
  }

  @Test
  void unsupportedSchemaVersion() throws Exception {
    String json = Files.readString(written(Fixtures.report()))
        .replace("tophash-report/1", "tophash-report/9");
    Path f = Files.writeString(tmp.resolve("future.json"), json);
    ReportFileException e = assertThrows(ReportFileException.class, () -> JsonReport.read(f));
    assertEquals(f + ": unsupported schema version \"tophash-report/9\"; this tool reads "
        + "\"tophash-report/1\"", e.getMessage());
  }

  @Test
  void unknownFieldsAreIgnored() throws Exception {
    String json = Files.readString(written(Fixtures.report()))
        .replace("\"generator\"", "\"future\" : {\"a\": [1, {\"b\": 2}]},\n  \"generator\"")
        .replace("\"maps\" :", "\"someNewCounter\" : 5, \"maps\" :");
    Path f = Files.writeString(tmp.resolve("newer.json"), json);
    Report r = JsonReport.read(f);
    assertEquals(4, r.sites().size());
  }

  @Test
  void encodingIsHdrHistogramsOwn() throws Exception {
    var h = SiteSnapshot.newHistogram();
    h.recordValueWithCount(7, 3);
    h.recordValue(1_000_000);
    String b64 = JsonReport.encode(h);
    var back = org.HdrHistogram.Histogram.decodeFromCompressedByteBuffer(
        java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(b64)), 0);
    assertEquals(4, back.getTotalCount());
    assertEquals(h, JsonReport.decode(b64));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonReport.write(Fixtures.report(), out);
    String cacheHits = JsonReport.encode(Fixtures.cache().build().histogram(Metric.PROBE_HIT));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"hdr\" : \"" + cacheHits + "\""));
  }
}
