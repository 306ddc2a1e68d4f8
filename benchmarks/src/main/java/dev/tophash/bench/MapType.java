package dev.tophash.bench;

import dev.tophash.map.MapSites;
import dev.tophash.map.Recording;
import dev.tophash.map.TophashMap;
import it.unimi.dsi.fastutil.objects.Object2ObjectOpenHashMap;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.collections.impl.map.mutable.UnifiedMap;

/**
 * The maps compared, as a JMH {@code @Param} factory.
 *
 * <p>The TophashMap variants differ only in the global {@link Recording} configuration, which a
 * map reads when it is constructed: {@link #create} sets it immediately before constructing. The
 * recording variants use one registered benchmark site; {@link #TOPHASH_OFF} uses the unsited
 * constructors, as user code that the agent did not rewrite would.
 *
 * <p>Presizing: {@code expectedSize} is the number of entries the caller will insert. HashMap and
 * TophashMap (a drop-in whose constructor takes HashMap's initial capacity) get the capacity that
 * holds that many entries at load factor 0.75, as {@code HashMap.newHashMap} computes it; fastutil
 * and UnifiedMap get the expected size, which is what their constructors take.
 */
public enum MapType {
  HASHMAP {
    @Override public <K, V> Map<K, V> create() { return new HashMap<>(); }
    @Override public <K, V> Map<K, V> create(int expectedSize) {
      return new HashMap<>(hashMapCapacity(expectedSize));
    }
  },
  TOPHASH_OFF {
    @Override public <K, V> Map<K, V> create() {
      Recording.configure(false, 1, 1, false);
      return new TophashMap<>();
    }
    @Override public <K, V> Map<K, V> create(int expectedSize) {
      Recording.configure(false, 1, 1, false);
      return new TophashMap<>(hashMapCapacity(expectedSize));
    }
  },
  TOPHASH_SAMPLED {
    @Override public <K, V> Map<K, V> create() {
      Recording.configure(true, 16, 1, false);
      return new TophashMap<>((Void) null, site());
    }
    @Override public <K, V> Map<K, V> create(int expectedSize) {
      Recording.configure(true, 16, 1, false);
      return new TophashMap<>(hashMapCapacity(expectedSize), site());
    }
  },
  TOPHASH_FULL {
    @Override public <K, V> Map<K, V> create() {
      Recording.configure(true, 1, 1, false);
      return new TophashMap<>((Void) null, site());
    }
    @Override public <K, V> Map<K, V> create(int expectedSize) {
      Recording.configure(true, 1, 1, false);
      return new TophashMap<>(hashMapCapacity(expectedSize), site());
    }
  },
  /**
   * A map that a {@code maps=N} run does not track: recording on, but the map keeps HashMap's own
   * algorithm (the first map at its site is the tracked one; this is a later one).
   */
  TOPHASH_UNTRACKED {
    @Override public <K, V> Map<K, V> create() {
      Recording.configure(true, 1, Integer.MAX_VALUE, false);
      return new TophashMap<>((Void) null, untrackedSite());
    }
    @Override public <K, V> Map<K, V> create(int expectedSize) {
      Recording.configure(true, 1, Integer.MAX_VALUE, false);
      return new TophashMap<>(hashMapCapacity(expectedSize), untrackedSite());
    }
  },
  FASTUTIL {
    @Override public <K, V> Map<K, V> create() { return new Object2ObjectOpenHashMap<>(); }
    @Override public <K, V> Map<K, V> create(int expectedSize) {
      return new Object2ObjectOpenHashMap<>(expectedSize);
    }
  },
  UNIFIED {
    @Override public <K, V> Map<K, V> create() { return new UnifiedMap<>(); }
    @Override public <K, V> Map<K, V> create(int expectedSize) {
      return new UnifiedMap<>(expectedSize);
    }
  };

  /** A new empty map with no size hint; it grows as entries are inserted. */
  public abstract <K, V> Map<K, V> create();

  /** A new empty map presized for {@code expectedSize} entries. */
  public abstract <K, V> Map<K, V> create(int expectedSize);

  /** Whether this is one of the TophashMap variants. */
  public boolean isTophash() {
    return this == TOPHASH_OFF || this == TOPHASH_SAMPLED || this == TOPHASH_FULL
        || this == TOPHASH_UNTRACKED;
  }

  /** HashMap's initial capacity for {@code n} entries at load factor 0.75 (no resize until n). */
  public static int hashMapCapacity(int n) {
    return (int) Math.ceil(n / 0.75d);
  }

  /* --- The benchmark sites --- */

  private static volatile int site = -1;

  /**
   * A site whose first map has been allocated (and tracked), so that under a map sampling rate of
   * {@code Integer.MAX_VALUE} every later map allocated there is untracked. Called after
   * {@link Recording#configure} has turned recording on.
   */
  static int untrackedSite() {
    return UntrackedSite.ID;
  }

  /** Lazy holder of {@link #untrackedSite}. */
  private static final class UntrackedSite {
    static final int ID = MapSites.register("bench.Bench", "untracked", "()V", "Bench.java", 2, "app");

    static {
      new TophashMap<>((Void) null, ID); // the site's tracked map
    }
  }

  /** The site every recording variant attributes its maps to, registered once per JVM. */
  public static int site() {
    int s = site;
    if (s < 0) {
      synchronized (MapType.class) {
        s = site;
        if (s < 0) {
          s = MapSites.register("bench.Bench", "run", "()V", "Bench.java", 1, "app");
          site = s;
        }
      }
    }
    return s;
  }
}
