package dev.tophash.reports;

import dev.tophash.map.Metric;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The tag of one site's metric in {@code intervals.hlog}: {@code <site key>.<metric tag>}, with
 * the site key percent-encoded so that the tag holds no space, comma or other character that
 * HdrHistogram's log format cannot carry.
 *
 * <p>Characters kept as they are: {@code A-Z a-z 0-9 . _ $ # : < > - @ + ( ) [ ] ; /}. Every
 * other character, {@code %} included, becomes {@code %XX} per byte of its UTF-8 encoding. So
 * {@code com.example.Cache#load:42} is its own tag stem, and a Kotlin method named
 * {@code `load all`} appears as {@code load%20all}. The metric is the longest known metric tag
 * that ends the tag after a dot.
 */
public final class HlogTags {
  private HlogTags() {}

  /** The tag for {@code metric} of the site with stable key {@code siteKey}. */
  public static String tag(String siteKey, Metric metric) {
    return encode(siteKey) + '.' + metric.tag();
  }

  /** The site key of a tag, or null when the tag does not end in a known metric. */
  public static String siteKey(String tag) {
    Metric m = metric(tag);
    return m == null ? null : decode(tag.substring(0, tag.length() - m.tag().length() - 1));
  }

  /** The metric of a tag, or null when it ends in none. */
  public static Metric metric(String tag) {
    if (tag == null) {
      return null;
    }
    Metric best = null;
    for (Metric m : Metric.values()) {
      String suffix = '.' + m.tag();
      if (tag.endsWith(suffix) && tag.length() > suffix.length()
          && (best == null || m.tag().length() > best.tag().length())) {
        best = m;
      }
    }
    return best;
  }

  /** Percent-encodes every character outside the kept set. */
  public static String encode(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x80 && kept((char) c)) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }

  /** Reverses {@link #encode}. */
  public static String decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean kept(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "._$#:<>-@+()[];/".indexOf(c) >= 0;
  }
}
