package dev.tophash.it.apps;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bundled demo: a small program whose maps behave the way maps in real applications do, so
 * that the agent has something to say about each of them.
 *
 * <ul>
 *   <li>{@link #loadOrders}: an order index built with {@code new HashMap<>()} that grows to
 *       hundreds of thousands of entries, several times: a presizing problem;</li>
 *   <li>{@link #priceCells}: a spreadsheet whose {@link Cell} key has a {@code hashCode} that
 *       looks only at the sheet name, looked up many times: a poor hash;</li>
 *   <li>{@link #slidingWindow}: a window of recent events, one inserted and the oldest removed at
 *       each step: delete churn;</li>
 *   <li>{@link #countWords}: a presized word count with well-spread {@code String} keys: the
 *       contrast, a map that needs no advice.</li>
 * </ul>
 *
 * <p>What it prints depends only on the contents of the maps, never on iteration order, so the
 * output is the same with {@code java.util.HashMap} and with any other correct map. The lines
 * marked {@code // site:NAME} are the allocation sites the integration tests look for in reports.
 */
public final class DemoApp {
  private DemoApp() {}

  public static void main(String[] args) {
    int scale = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    System.out.println("orders       " + loadOrders(4, 200_000 / scale));
    System.out.println("cells        " + priceCells(3_000, 120_000 / scale));
    System.out.println("window       " + slidingWindow(10_000, 1_000_000 / scale));
    System.out.println("words        " + countWords(600_000 / scale));
  }

  /** Several days of orders, each day indexed by order id in a map that starts empty. */
  static long loadOrders(int days, int ordersPerDay) {
    long checksum = 0;
    for (int day = 0; day < days; day++) {
      Map<Long, Order> byId = new HashMap<>(); // site:orders
      long id = 1_000_000L * (day + 1);
      for (int i = 0; i < ordersPerDay; i++) {
        id += 1 + (i * 7L) % 13;
        byId.put(id, new Order(id, "customer-" + (i % 5_000), (i * 31) % 10_000));
      }
      long probe = 1_000_000L * (day + 1);
      int found = 0;
      long cents = 0;
      for (int i = 0; i < ordersPerDay; i++) {
        Order o = byId.get(probe + i * 3L);
        if (o != null) {
          found++;
          cents += o.cents;
        }
      }
      checksum = checksum * 31 + byId.size() * 1_000_003L + found * 7L + cents;
    }
    return checksum;
  }

  /** A spreadsheet of {@code cellCount} cells, read {@code reads} times by formulas. */
  static long priceCells(int cellCount, int reads) {
    String[] sheets = {"prices", "stock", "orders"};
    Map<Cell, Integer> cells = new HashMap<>(16); // site:cells
    for (int i = 0; i < cellCount; i++) {
      cells.put(new Cell(sheets[i % sheets.length], i / 40, i % 40), i * 17 % 1_000);
    }
    long sum = 0;
    int misses = 0;
    for (int r = 0; r < reads; r++) {
      int i = (int) ((r * 2_654_435_761L) % (cellCount + cellCount / 10));
      Integer v = cells.get(new Cell(sheets[i % sheets.length], i / 40, i % 40));
      if (v == null) {
        misses++;
      } else {
        sum += v;
      }
    }
    return sum * 1_000 + misses;
  }

  /** The last {@code width} events by sequence number; one in, the oldest out, {@code steps} times. */
  static long slidingWindow(int width, int steps) {
    Map<Integer, String> window = new HashMap<>(); // site:window
    long checksum = 0;
    for (int seq = 0; seq < steps; seq++) {
      window.put(seq, (seq & 1) == 0 ? "tick" : "tock");
      if (seq >= width) {
        String gone = window.remove(seq - width);
        checksum += gone.length();
      }
      if (seq % 1_000 == 0) {
        String v = window.get(seq - width / 2);
        checksum += v == null ? 0 : v.charAt(1);
      }
    }
    return checksum * 100_000 + window.size();
  }

  /** Word frequencies over a generated text, in a map presized for its vocabulary. */
  static long countWords(int words) {
    List<String> vocabulary = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      vocabulary.add(word(i));
    }
    Map<String, Integer> counts = new HashMap<>(8_192); // site:words
    long x = 12_345;
    for (int i = 0; i < words; i++) {
      x = x * 6_364_136_223_846_793_005L + 1_442_695_040_888_963_407L;
      String w = vocabulary.get((int) ((x >>> 33) % vocabulary.size()));
      counts.merge(w, 1, Integer::sum);
    }
    long checksum = counts.size();
    for (String w : vocabulary) {
      Integer c = counts.get(w);
      checksum = checksum * 31 + (c == null ? 0 : c);
    }
    return checksum;
  }

  private static String word(int i) {
    StringBuilder sb = new StringBuilder();
    int n = i;
    do {
      sb.append((char) ('a' + n % 26));
      n /= 26;
    } while (n > 0);
    return sb.append("ing").toString();
  }

  /** An order; only its amount matters here. */
  static final class Order {
    final long id;
    final String customer;
    final int cents;

    Order(long id, String customer, int cents) {
      this.id = id;
      this.customer = customer;
      this.cents = cents;
    }
  }

  /**
   * A spreadsheet cell address. Its {@code hashCode} looks at the sheet only, a mistake that
   * compiles and passes every equality test: all cells of a sheet collide.
   */
  record Cell(String sheet, int row, int column) {
    @Override
    public int hashCode() {
      return sheet.hashCode();
    }
  }
}
