package dev.tophash.reports.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.tophash.map.Counter;
import dev.tophash.map.Metric;
import dev.tophash.map.ProfileSnapshot;
import dev.tophash.map.SiteInfo;
import dev.tophash.map.SiteSnapshot;
import dev.tophash.reports.Hist;
import dev.tophash.reports.Report;
import dev.tophash.reports.ReportFileException;
import dev.tophash.reports.RunInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Writes and reads {@code report.json} (schema {@value Report#SCHEMA}, documented in
 * {@code docs/report-schema.md}) with Jackson's streaming API.
 *
 * <p>Every histogram is kept whole as HdrHistogram's compressed encoding in base64, next to
 * convenience figures (count, min, max, mean, percentiles) that readers may ignore. Empty
 * histograms are omitted. Readers accept unknown fields, counters and metrics (ignored) so that a
 * newer minor revision stays readable; a different major schema is refused.
 */
public final class JsonReport {
  /** Jackson, for reading only: writing does not load it (see {@link JsonWriter}). */
  private static final class Parsing {
    static final JsonFactory FACTORY = JsonFactory.builder().build();
  }

  private static final String PREFIX = "tophash-report/";

  private JsonReport() {}

  /* --- Writing --- */

  /** Text gathered before it is encoded and written out in one call. */
  private static final int CHUNK = 1 << 16;

  /**
   * Writes {@code report} as JSON to {@code out} (pretty-printed, UTF-8). The text is gathered in
   * a builder and written out a chunk of sites at a time, each encoded in one call: through a
   * {@code Writer}, every small piece would go through a charset encoder that, at a JVM's exit,
   * runs interpreted (a third of writing report.json, measured).
   */
  public static void write(Report report, OutputStream out) throws IOException {
    StringBuilder w = new StringBuilder(CHUNK + (CHUNK >> 2));
    JsonWriter g = new JsonWriter(w, true);
    g.writeStartObject();
    g.writeStringField("schema", Report.SCHEMA);
    g.writeStringField("generator", "tophash reports");
    g.writeFieldName("run");
    writeRun(g, report.run(), true);
    ProfileSnapshot snap = report.snapshot();
    g.writeObjectFieldStart("snapshot");
    g.writeNumberField("startEpochMillis", snap.startEpochMillis());
    g.writeNumberField("endEpochMillis", snap.endEpochMillis());
    g.writeNumberField("opSample", snap.opSample());
    g.writeNumberField("mapSample", snap.mapSample());
    g.writeEndObject();
    g.writeArrayFieldStart("sites");
    for (SiteSnapshot s : snap.sites()) {
      writeSite(g, s);
      if (w.length() >= CHUNK) {
        drain(w, out);
      }
    }
    g.writeEndArray();
    g.writeEndObject();
    drain(w, out);
    out.flush();
  }

  private static void drain(StringBuilder text, OutputStream out) throws IOException {
    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    text.setLength(0);
  }

  private static void writeRun(JsonWriter g, RunInfo r, boolean withMembers) throws IOException {
    g.writeStartObject();
    g.writeStringField("jvm", r.jvm);
    g.writeNumberField("pid", r.pid);
    g.writeStringField("mainCommand", r.mainCommand);
    g.writeNumberField("startEpochMillis", r.startEpochMillis);
    g.writeNumberField("endEpochMillis", r.endEpochMillis);
    g.writeStringField("options", r.options);
    g.writeStringField("impl", r.impl);
    g.writeBooleanField("attached", r.attached);
    g.writeNumberField("classesRewritten", r.classesRewritten);
    g.writeNumberField("classesSkipped", r.classesSkipped);
    g.writeNumberField("classesFailed", r.classesFailed);
    g.writeNumberField("sitesRewritten", r.sitesRewritten);
    g.writeArrayFieldStart("notes");
    for (String n : r.notes) {
      g.writeString(n);
    }
    g.writeEndArray();
    if (withMembers) {
      g.writeArrayFieldStart("members");
      for (RunInfo m : r.members) {
        writeRun(g, m, false);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writeSite(JsonWriter g, SiteSnapshot s) throws IOException {
    SiteInfo i = s.site();
    g.writeStartObject();
    g.writeStringField("key", i.key());
    g.writeNumberField("id", i.id());
    g.writeStringField("className", i.className());
    g.writeStringField("methodName", i.methodName());
    g.writeStringField("methodDescriptor", i.methodDescriptor());
    g.writeStringField("sourceFile", i.sourceFile());
    g.writeNumberField("line", i.line());
    g.writeNumberField("ordinal", i.ordinal());
    g.writeStringField("loaderName", i.loaderName());
    g.writeObjectFieldStart("counters");
    for (Counter c : Counter.values()) {
      g.writeNumberField(c.tag(), s.counter(c));
    }
    g.writeEndObject();
    g.writeObjectFieldStart("histograms");
    for (Metric m : Metric.values()) {
      Histogram h = s.histogram(m);
      if (h.getTotalCount() == 0) {
        continue;
      }
      g.writeObjectFieldStart(m.tag());
      g.writeStringField("unit", m.unit());
      g.writeNumberField("count", h.getTotalCount());
      g.writeNumberField("min", h.getMinValue());
      g.writeNumberField("max", h.getMaxValue());
      long[] stats = Hist.meanAndPercentiles(h);
      g.writeNumberField("mean", Double.longBitsToDouble(stats[0]));
      for (int p = 0; p < Hist.PERCENTILES.length; p++) {
        g.writeNumberField(Hist.LABELS[p], stats[1 + p]);
      }
      g.writeStringField("hdr", encode(h));
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  /** HdrHistogram's compressed encoding of {@code h}, in base64. */
  public static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
  }

  /** Decodes {@link #encode}'s output into an auto-resizing histogram. */
  public static Histogram decode(String base64) throws java.util.zip.DataFormatException {
    byte[] bytes = Base64.getDecoder().decode(base64);
    Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 2);
    h.setAutoResize(true);
    return h;
  }

  /* --- Reading --- */

  /**
   * Reads a report, with errors that name {@code file} and say what is wrong with it. A report
   * directory stands for the {@code report.json} inside it.
   */
  public static Report read(Path file) throws ReportFileException {
    if (Files.isDirectory(file)) {
      Path inside = file.resolve("report.json");
      if (!Files.isRegularFile(inside)) {
        throw new ReportFileException(file, "is a directory without a report.json", null);
      }
      file = inside;
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(file, in);
    } catch (NoSuchFileException e) {
      throw new ReportFileException(file, "no such file", e);
    } catch (ReportFileException e) {
      throw e;
    } catch (IOException e) {
      throw new ReportFileException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /** Reads a report from {@code in}; {@code file} only names it in errors. */
  public static Report read(Path file, InputStream in) throws ReportFileException {
    try (JsonParser p = Parsing.FACTORY.createParser(in)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new ReportFileException(file, "is empty, expected a tophash report (JSON)", null);
      }
      if (first != JsonToken.START_OBJECT) {
        throw foreign(file, "it does not hold a JSON object");
      }
      String schema = null;
      RunInfo run = null;
      long[] snap = null;
      List<SiteSnapshot> sites = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "schema" -> {
            schema = v == JsonToken.VALUE_STRING ? p.getText() : "";
            checkSchema(file, schema);
          }
          case "run" -> {
            requireSchema(file, schema);
            run = readRun(p, file, true);
          }
          case "snapshot" -> {
            requireSchema(file, schema);
            snap = readSnapshot(p, file);
          }
          case "sites" -> {
            requireSchema(file, schema);
            sites = readSites(p, file);
          }
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new ReportFileException(file, "malformed JSON near line "
            + p.currentLocation().getLineNr(), null);
      }
      requireSchema(file, schema);
      if (run == null || snap == null || sites == null) {
        throw new ReportFileException(file, "incomplete report: missing "
            + (run == null ? "\"run\"" : snap == null ? "\"snapshot\"" : "\"sites\""), null);
      }
      ProfileSnapshot s = new ProfileSnapshot(snap[0], snap[1], false, (int) snap[2],
          (int) snap[3], sites);
      return new Report(run, s);
    } catch (JsonEOFException e) {
      throw new ReportFileException(file, "truncated: the JSON ends early (line "
          + e.getLocation().getLineNr() + ")", e);
    } catch (JsonParseException e) {
      if (String.valueOf(e.getOriginalMessage()).contains("end-of-input")) {
        throw new ReportFileException(file, "truncated: the JSON ends early (line "
            + e.getLocation().getLineNr() + ")", e);
      }
      throw new ReportFileException(file, "not valid JSON (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage(), e);
    } catch (ReportFileException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ReportFileException(file, "cannot read report: " + e, e);
    }
  }

  private static ReportFileException foreign(Path file, String why) {
    return new ReportFileException(file, "not a tophash report (" + why
        + "); expected a report.json with \"schema\": \"" + Report.SCHEMA + "\"", null);
  }

  private static void checkSchema(Path file, String schema) throws ReportFileException {
    if (schema.equals(Report.SCHEMA)) {
      return;
    }
    if (schema.startsWith(PREFIX)) {
      throw new ReportFileException(file, "unsupported schema version \"" + schema
          + "\"; this tool reads \"" + Report.SCHEMA + "\"", null);
    }
    throw foreign(file, "its schema is \"" + schema + "\"");
  }

  private static void requireSchema(Path file, String schema) throws ReportFileException {
    if (schema == null) {
      throw foreign(file, "no \"schema\" field first");
    }
  }

  private static RunInfo readRun(JsonParser p, Path file, boolean top) throws IOException {
    expect(p, file, JsonToken.START_OBJECT, "run");
    RunInfo r = RunInfo.blank();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "jvm" -> r.jvm = p.getValueAsString("");
        case "pid" -> r.pid = p.getValueAsLong();
        case "mainCommand" -> r.mainCommand = p.getValueAsString("");
        case "startEpochMillis" -> r.startEpochMillis = p.getValueAsLong();
        case "endEpochMillis" -> r.endEpochMillis = p.getValueAsLong();
        case "options" -> r.options = p.getValueAsString("");
        case "impl" -> r.impl = p.getValueAsString("");
        case "attached" -> r.attached = p.getValueAsBoolean();
        case "classesRewritten" -> r.classesRewritten = p.getValueAsLong();
        case "classesSkipped" -> r.classesSkipped = p.getValueAsLong();
        case "classesFailed" -> r.classesFailed = p.getValueAsLong();
        case "sitesRewritten" -> r.sitesRewritten = p.getValueAsLong();
        case "notes" -> {
          expect(p, file, JsonToken.START_ARRAY, "run.notes");
          while (p.nextToken() != JsonToken.END_ARRAY) {
            r.notes.add(p.getValueAsString(""));
          }
        }
        case "members" -> {
          expect(p, file, JsonToken.START_ARRAY, "run.members");
          while (p.nextToken() != JsonToken.END_ARRAY) {
            r.members.add(readRun(p, file, false));
          }
        }
        default -> p.skipChildren();
      }
    }
    return r;
  }

  private static long[] readSnapshot(JsonParser p, Path file) throws IOException {
    expect(p, file, JsonToken.START_OBJECT, "snapshot");
    long[] s = {0, 0, 1, 1};
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "startEpochMillis" -> s[0] = p.getValueAsLong();
        case "endEpochMillis" -> s[1] = p.getValueAsLong();
        case "opSample" -> s[2] = Math.max(1, p.getValueAsLong());
        case "mapSample" -> s[3] = Math.max(1, p.getValueAsLong());
        default -> p.skipChildren();
      }
    }
    return s;
  }

  private static List<SiteSnapshot> readSites(JsonParser p, Path file) throws IOException {
    expect(p, file, JsonToken.START_ARRAY, "sites");
    List<SiteSnapshot> sites = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      sites.add(readSite(p, file));
    }
    return sites;
  }

  private static SiteSnapshot readSite(JsonParser p, Path file) throws IOException {
    int id = 0;
    int line = -1;
    int ordinal = 0;
    String cls = null;
    String method = null;
    String desc = "";
    String source = "";
    String loader = "";
    long[] counters = new long[Counter.values().length];
    Map<Metric, Histogram> hs = new EnumMap<>(Metric.class);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "id" -> id = p.getValueAsInt();
        case "className" -> cls = p.getValueAsString();
        case "methodName" -> method = p.getValueAsString();
        case "methodDescriptor" -> desc = p.getValueAsString("");
        case "sourceFile" -> source = p.getValueAsString("");
        case "line" -> line = p.getValueAsInt(-1);
        case "ordinal" -> ordinal = p.getValueAsInt();
        case "loaderName" -> loader = p.getValueAsString("");
        case "counters" -> {
          expect(p, file, JsonToken.START_OBJECT, "site.counters");
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            Counter c = Counter.byTag(p.currentName());
            p.nextToken();
            if (c != null) {
              counters[c.ordinal()] = p.getValueAsLong();
            } else {
              p.skipChildren();
            }
          }
        }
        case "histograms" -> {
          expect(p, file, JsonToken.START_OBJECT, "site.histograms");
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            Metric m = Metric.byTag(p.currentName());
            p.nextToken();
            String hdr = readHdr(p, file);
            if (m != null && hdr != null) {
              try {
                hs.put(m, decode(hdr));
              } catch (java.util.zip.DataFormatException | RuntimeException e) {
                throw new ReportFileException(file, "histogram " + m.tag() + " of site " + cls
                    + "#" + method + ":" + line + " is corrupt (" + e.getMessage() + ")", e);
              }
            }
          }
        }
        default -> p.skipChildren();
      }
    }
    if (cls == null || method == null) {
      throw new ReportFileException(file, "a site lacks \"className\" or \"methodName\" (near line "
          + p.currentLocation().getLineNr() + ")", null);
    }
    return new SiteSnapshot(new SiteInfo(id, cls, method, desc, source, line, ordinal, loader),
        counters, hs);
  }

  private static String readHdr(JsonParser p, Path file) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    String hdr = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if ("hdr".equals(name)) {
        hdr = p.getValueAsString();
      } else {
        p.skipChildren();
      }
    }
    return hdr;
  }

  private static void expect(JsonParser p, Path file, JsonToken token, String what)
      throws ReportFileException {
    if (p.currentToken() != token) {
      throw new ReportFileException(file, "\"" + what + "\" should be "
          + (token == JsonToken.START_OBJECT ? "an object" : "an array") + " (line "
          + p.currentLocation().getLineNr() + ")", null);
    }
  }
}
