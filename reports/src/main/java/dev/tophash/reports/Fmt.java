package dev.tophash.reports;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Number, time and unit formatting for the text and compare reports; always {@link Locale#US}.
 *
 * <p>Times and whole numbers are written by hand rather than through {@link DateTimeFormatter}
 * and {@link String#format}: the report at a JVM's exit would otherwise load and initialise
 * java.time's formatting (some sixty classes) and {@link java.util.Formatter} with its regular
 * expression. {@link #f} writes the conversions the reports use itself and hands anything else to
 * the formatter.
 */
public final class Fmt {
  private static final long MILLIS_PER_DAY = 86_400_000L;
  /** Decimals of up to 15 significant digits survive a round trip through a {@code double}. */
  private static final long FIFTEEN_DIGITS = 1_000_000_000_000_000L;
  /** Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar java.time uses. */
  private static final long DAYS_MARCH_0000_TO_1970 = 719_468L;

  private Fmt() {}

  /** The formatter for years the hand-written {@link #time} does not cover (before 1970, after 9999). */
  private static final class Wide {
    static final DateTimeFormatter TIME = DateTimeFormatter
        .ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'", Locale.US).withZone(ZoneOffset.UTC);
  }

  /**
   * {@code String.format} with {@link Locale#US}, to the character. The conversions the reports
   * use ({@code %s}, {@code %d}, {@code %,d}, {@code %.Nf}, {@code %,.Nf}, {@code %%}) are
   * written here, without {@link java.util.Formatter}, which parses every format with a regular
   * expression and runs cold and interpreted at a JVM's exit (half the time of rendering the
   * summary, measured).
   * Any other format, argument type or a value this code cannot round exactly as the formatter
   * does goes to {@code String.format}.
   */
  public static String f(String format, Object... args) {
    String s = quick(format, args);
    return s != null ? s : String.format(Locale.US, format, args);
  }

  /** {@link #f} for the conversions it writes itself, or null. */
  static String quick(String format, Object[] args) {
    StringBuilder sb = new StringBuilder(format.length() + 16 * args.length);
    int arg = 0;
    int n = format.length();
    int from = 0;
    for (int i = format.indexOf('%'); i >= 0; i = format.indexOf('%', from)) {
      sb.append(format, from, i);
      if (++i >= n) {
        return null;
      }
      char c = format.charAt(i);
      if (c == '%') {
        sb.append('%');
        from = i + 1;
        continue;
      }
      boolean group = c == ',';
      if (group && ++i < n) {
        c = format.charAt(i);
      }
      int decimals = -1;
      if (c == '.' && i + 2 < n && format.charAt(i + 1) >= '0' && format.charAt(i + 1) <= '9') {
        decimals = format.charAt(i + 1) - '0';
        i += 2;
        c = format.charAt(i);
      }
      if (arg >= args.length) {
        return null;
      }
      Object a = args[arg++];
      if (c == 's' && !group && decimals < 0 && !(a instanceof java.util.Formattable)) {
        sb.append(a);
      } else if (c == 'd' && decimals < 0
          && (a instanceof Long || a instanceof Integer || a instanceof Short
              || a instanceof Byte)) {
        long d = ((Number) a).longValue();
        if (group) {
          sb.append(count(d));
        } else {
          sb.append(d);
        }
      } else if (c == 'f' && decimals >= 0 && a instanceof Double) {
        if (!fixed(sb, (Double) a, decimals, group)) {
          return null;
        }
      } else {
        return null;
      }
      from = i + 1;
    }
    return sb.append(format, from, n).toString();
  }

  /**
   * Appends {@code v} with {@code decimals} decimals (and thousands separators if {@code group}),
   * rounded as {@link java.util.Formatter} rounds: the decimal digits of {@code v} that
   * {@code Double.toString} gives, cut and rounded half-up. Those digits lie within half an ulp of
   * {@code v}, so wherever {@code v} is not within a few ulps of a rounding tie the result is
   * {@code v} rounded to nearest, computed without them; near a tie they are rounded. False, with
   * nothing appended, for what this does not cover (NaN, infinities, large values).
   */
  private static boolean fixed(StringBuilder sb, double v, int decimals, boolean group) {
    double scale = POWERS[decimals];
    double a = Math.abs(v) * scale;
    if (!(a < 1e15)) { // also NaN and infinities
      return false;
    }
    double floor = Math.floor(a);
    long r;
    if (Math.abs(a - floor - 0.5) > a * 0x1p-48 + 0x1p-1000) {
      r = (long) floor + (a - floor > 0.5 ? 1 : 0);
    } else if (a < 1e9) {
      // Near a tie, which side depends on the decimal digits: the formatter rounds 1.235 (in
      // binary a little less) to 1.24. Round Double.toString's digits half-up, as it does.
      String d = Double.toString(Math.abs(v));
      int dot = d.indexOf('.');
      if (dot < 0 || d.indexOf('E') >= 0) {
        return false;
      }
      int end = dot + 1 + decimals;
      r = Long.parseLong(d.substring(0, dot)) * (long) scale;
      if (decimals > 0) {
        r += Long.parseLong(pad(d.substring(dot + 1, Math.min(end, d.length())), decimals));
      }
      if (end < d.length() && d.charAt(end) >= '5') {
        r++;
      }
    } else {
      return false;
    }
    if (Double.doubleToRawLongBits(v) < 0) {
      sb.append('-'); // the formatter keeps the sign of a negative value that rounds to zero
    }
    long unit = (long) scale;
    sb.append(group ? count(r / unit) : Long.toString(r / unit));
    if (decimals > 0) {
      sb.append('.');
      digits(sb, r % unit, decimals);
    }
    return true;
  }

  /** {@code digits} with zeros appended up to {@code width}. */
  private static String pad(String digits, int width) {
    return digits.length() >= width ? digits : digits + "0".repeat(width - digits.length());
  }

  private static final double[] POWERS = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

  /** An epoch-millis instant as {@code 2026-11-22 22:00:00.000 UTC}, or "-" for 0. */
  public static String time(long epochMillis) {
    if (epochMillis <= 0) {
      return "-";
    }
    long days = epochMillis / MILLIS_PER_DAY;
    int ms = (int) (epochMillis % MILLIS_PER_DAY);
    // the civil date of a day number, counted in 400-year eras of years that start in March
    // (so that the leap day ends a year), as in Howard Hinnant's civil_from_days
    long z = days + DAYS_MARCH_0000_TO_1970;
    long era = z / 146_097;
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year > 9999) {
      return Wide.TIME.format(Instant.ofEpochMilli(epochMillis));
    }
    StringBuilder sb = new StringBuilder(27);
    digits(sb, year, 4).append('-');
    digits(sb, month, 2).append('-');
    digits(sb, day, 2).append(' ');
    digits(sb, ms / 3_600_000, 2).append(':');
    digits(sb, ms / 60_000 % 60, 2).append(':');
    digits(sb, ms / 1000 % 60, 2).append('.');
    digits(sb, ms % 1000, 3).append(" UTC");
    return sb.toString();
  }

  /** Appends the non-negative {@code v} zero-padded to {@code width} digits. */
  private static StringBuilder digits(StringBuilder sb, long v, int width) {
    String s = Long.toString(v);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(s);
  }

  /** A count with thousands separators ({@code 1,234,567}), as {@code %,d} writes it. */
  public static String count(long n) {
    String digits = Long.toString(n);
    int start = n < 0 ? 1 : 0;
    int len = digits.length() - start;
    if (len <= 3) {
      return digits;
    }
    StringBuilder sb = new StringBuilder(digits.length() + len / 3);
    sb.append(digits, 0, start);
    int first = len % 3 == 0 ? 3 : len % 3;
    sb.append(digits, start, start + first);
    for (int i = start + first; i < digits.length(); i += 3) {
      sb.append(',').append(digits, i, i + 3);
    }
    return sb.toString();
  }

  /**
   * A duration in milliseconds as seconds with three decimals: what {@code %.3f} writes for
   * {@code millis / 1000.0}. Below 10^15 ms (some 31,000 years) the quotient has at most 15
   * significant digits, so it is that double's shortest decimal form and its digits are written
   * directly; beyond, the formatter rounds.
   */
  public static String seconds3(long millis) {
    if (millis < 0 || millis >= FIFTEEN_DIGITS) {
      return f("%.3f", millis / 1000.0);
    }
    StringBuilder sb = new StringBuilder().append(millis / 1000).append('.');
    return digits(sb, millis % 1000, 3).toString();
  }

  /** A count in at most 6 characters: {@code 999}, {@code 12,345} up to 99,999, then {@code 1.23M}. */
  public static String shortCount(long n) {
    if (Math.abs(n) < 100_000) {
      return count(n);
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
