package dev.tophash.reports;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number, time and unit formatting for the text and compare reports; always {@link Locale#US}. */
public final class Fmt {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'", Locale.US).withZone(ZoneOffset.UTC);

  private Fmt() {}

  /** {@code String.format} with {@link Locale#US}. */
  public static String f(String format, Object... args) {
    return String.format(Locale.US, format, args);
  }

  /** An epoch-millis instant as {@code 2026-11-22 22:00:00.000 UTC}, or "-" for 0. */
  public static String time(long epochMillis) {
    return epochMillis <= 0 ? "-" : TIME.format(Instant.ofEpochMilli(epochMillis));
  }

  /** A count with thousands separators ({@code 1,234,567}). */
  public static String count(long n) {
    return f("%,d", n);
  }

  /** A count in at most 6 characters: {@code 999}, {@code 12,345} up to 99,999, then {@code 1.23M}. */
  public static String shortCount(long n) {
    if (Math.abs(n) < 100_000) {
      return f("%,d", n);
    }
    String[] suffix = {"k", "M", "G", "T", "P"};
    double v = n;
    int i = -1;
    while (Math.abs(v) >= 1000 && i < suffix.length - 1) {
      v /= 1000;
      i++;
    }
    return sig3(v) + suffix[i];
  }

  /** A value of {@code unit}: nanoseconds scaled to ns/us/ms/s, anything else as a plain number. */
  public static String value(double v, String unit) {
    if ("ns".equals(unit)) {
      return nanos(v);
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return shortCount((long) v);
    }
    return f("%.2f", v);
  }

  /** A mean of {@code unit}: two decimals for small values, scaled nanoseconds for ns. */
  public static String mean(double v, String unit) {
    if ("ns".equals(unit)) {
      return nanos(v);
    }
    if (Math.abs(v) >= 100_000) {
      return shortCount(Math.round(v));
    }
    if (Math.abs(v) >= 1_000) {
      return f("%,.0f", v);
    }
    return f("%.2f", v);
  }

  /** Nanoseconds as {@code 850ns}, {@code 12.3us}, {@code 4.56ms} or {@code 1.23s}. */
  public static String nanos(double ns) {
    double a = Math.abs(ns);
    if (a < 1_000) {
      return f("%.0fns", ns);
    }
    if (a < 1_000_000) {
      return sig3(ns / 1e3) + "us";
    }
    if (a < 1_000_000_000) {
      return sig3(ns / 1e6) + "ms";
    }
    return sig3(ns / 1e9) + "s";
  }

  /** A ratio such as {@code 1.25x}, or "-" when undefined. */
  public static String ratio(double r) {
    if (Double.isNaN(r)) {
      return "-";
    }
    if (Double.isInfinite(r)) {
      return "inf";
    }
    return r >= 100 ? f("%.0fx", r) : f("%.2fx", r);
  }

  /** A share as {@code 45.1%}. */
  public static String percent(double fraction) {
    return f("%.1f%%", fraction * 100);
  }

  /** Three significant digits, no exponent. */
  static String sig3(double v) {
    double a = Math.abs(v);
    if (a >= 100) {
      return f("%.0f", v);
    }
    if (a >= 10) {
      return f("%.1f", v);
    }
    return f("%.2f", v);
  }

  /** {@code s} padded on the right to {@code width}, or cut with an ellipsis mark ("~") when longer. */
  public static String left(String s, int width) {
    if (s.length() > width) {
      return s.substring(0, width - 1) + "~";
    }
    return s + " ".repeat(width - s.length());
  }

  /** {@code s} padded on the left to {@code width}. */
  public static String right(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  /** {@code text} wrapped at {@code width} columns, every line after the first indented by {@code indent}. */
  public static String wrap(String text, int width, String firstPrefix, String indent) {
    StringBuilder out = new StringBuilder();
    StringBuilder line = new StringBuilder(firstPrefix);
    int lineStart = firstPrefix.length();
    for (String word : text.split(" ")) {
      if (line.length() > lineStart && line.length() + 1 + word.length() > width) {
        out.append(line).append('\n');
        line = new StringBuilder(indent);
        lineStart = indent.length();
      } else if (line.length() > lineStart) {
        line.append(' ');
      }
      line.append(word);
    }
    out.append(line).append('\n');
    return out.toString();
  }
}
