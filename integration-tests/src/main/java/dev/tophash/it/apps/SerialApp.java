package dev.tophash.it.apps;

import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code write FILE}: builds maps, clones one, serializes them to FILE and prints their classes
 * and contents; {@code read FILE}: reads them back and prints the same. Contents are printed
 * sorted, so the lines do not depend on iteration order.
 */
public final class SerialApp {
  private SerialApp() {}

  /** An application object holding a HashMap field. */
  static final class Inventory implements Serializable {
    private static final long serialVersionUID = 1L;
    final HashMap<String, Integer> stock = new HashMap<>(); // site:stock
    final String warehouse;

    Inventory(String warehouse) {
      this.warehouse = warehouse;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("write")) {
      HashMap<String, List<Integer>> index = new HashMap<>(); // site:index
      for (int i = 0; i < 5_000; i++) {
        index.computeIfAbsent("k" + (i % 700), k -> new ArrayList<>()).add(i);
      }
      for (int i = 0; i < 700; i += 5) {
        index.remove("k" + i);
      }
      Inventory inv = new Inventory("north");
      for (int i = 0; i < 300; i++) {
        inv.stock.put("sku-" + i, i * 3);
      }
      @SuppressWarnings("unchecked")
      HashMap<String, Integer> copy = (HashMap<String, Integer>) inv.stock.clone();
      copy.put("sku-extra", 1);
      System.out.println("clone " + copy.getClass().getName() + " " + copy.size() + " "
          + inv.stock.size() + " " + copy.entrySet().containsAll(inv.stock.entrySet()));
      try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(Paths.get(args[1])))) {
        out.writeObject(index);
        out.writeObject(inv);
      }
      print("index", index);
      print("stock", inv.stock);
      System.out.println("live classes " + index.getClass().getName() + " " + inv.stock.getClass().getName());
    } else {
      try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(Paths.get(args[1])))) {
        Object index = in.readObject();
        Inventory inv = (Inventory) in.readObject();
        print("index", (Map<?, ?>) index);
        print("stock", inv.stock);
        System.out.println("read classes " + index.getClass().getName() + " " + inv.stock.getClass().getName()
            + " " + inv.warehouse);
      }
    }
  }

  private static void print(String name, Map<?, ?> m) {
    System.out.println(name + " " + m.size() + " " + new TreeMap<>(m).toString().hashCode()
        + " " + m.hashCode());
  }
}
