package dev.tophash.map;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the TSV files measured from a real Go 1.19 runtime (test resources under go/). */
final class GoData {
  private GoData() {}

  /** The rows of one file, each a map from column name to cell. */
  static List<Map<String, String>> rows(String file) {
    try (InputStream in = GoData.class.getResourceAsStream("/go/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource go/" + file);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String[] header = r.readLine().split("\t", -1);
      List<Map<String, String>> out = new ArrayList<>();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split("\t", -1);
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < header.length && i < cells.length; i++) {
          row.put(header[i], cells[i]);
        }
        out.add(row);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
