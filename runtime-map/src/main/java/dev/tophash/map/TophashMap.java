package dev.tophash.map;

import java.util.HashMap;
import java.util.Map;

/**
 * TEMPORARY SKELETON: constructor shapes only, behaviour inherited from HashMap.
 * The real implementation replaces this file.
 */
public class TophashMap<K, V> extends HashMap<K, V> {
  private static final long serialVersionUID = 1L;

  final int site;

  public TophashMap() { this((Void) null, MapSites.UNATTRIBUTED); }
  public TophashMap(int initialCapacity) { this(initialCapacity, MapSites.UNATTRIBUTED); }
  public TophashMap(int initialCapacity, float loadFactor) { this(initialCapacity, loadFactor, MapSites.UNATTRIBUTED); }
  public TophashMap(Map<? extends K, ? extends V> m) { this(m, MapSites.UNATTRIBUTED); }

  /** Sited no-argument constructor; the Void parameter only keeps the descriptor apart from (int). */
  public TophashMap(Void noHint, int site) { super(); this.site = site; }
  public TophashMap(int initialCapacity, int site) { super(initialCapacity); this.site = site; }
  public TophashMap(int initialCapacity, float loadFactor, int site) { super(initialCapacity, loadFactor); this.site = site; }
  public TophashMap(Map<? extends K, ? extends V> m, int site) { super(m); this.site = site; }

  public static <K, V> TophashMap<K, V> newHashMap(int numMappings) { return new TophashMap<>(numMappings); }
  public static <K, V> HashMap<K, V> newHashMapAt(int numMappings, int site) { return new TophashMap<>(numMappings, site); }

  public static <K, V> HashMap<K, V> constructAt(int site) { return new TophashMap<>((Void) null, site); }
  public static <K, V> HashMap<K, V> constructAt(int site, int initialCapacity) { return new TophashMap<>(initialCapacity, site); }
  public static <K, V> HashMap<K, V> constructAt(int site, int initialCapacity, float loadFactor) { return new TophashMap<>(initialCapacity, loadFactor, site); }
  public static <K, V> HashMap<K, V> constructAt(int site, Map<? extends K, ? extends V> m) { return new TophashMap<>(m, site); }

  /** The id of the site this map was allocated at. */
  public int site() { return site; }
}
