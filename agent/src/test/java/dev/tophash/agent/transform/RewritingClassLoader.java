package dev.tophash.agent.transform;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Loads the classes of one package from the test class path (or from given bytes) through
 * {@link SiteTransformer}, child-first, with no agent involved. Remembers what it rewrote so that
 * tests can verify it.
 */
final class RewritingClassLoader extends ClassLoader {
  /** One registration the rewrite made. */
  static final class Registration {
    final String className;
    final String method;
    final int line;
    final int id;

    Registration(String className, String method, int line, int id) {
      this.className = className;
      this.method = method;
      this.line = line;
      this.id = id;
    }

    @Override
    public String toString() {
      return className + "#" + method + ":" + line + " -> " + id;
    }
  }

  private final String prefix;
  private final String target;
  private final Map<String, byte[]> extra = new HashMap<>();
  final Map<String, byte[]> rewritten = new HashMap<>();
  final Map<String, String> skipped = new HashMap<>();
  final List<Registration> registrations = new ArrayList<>();

  RewritingClassLoader(String packagePrefix) {
    this(packagePrefix, "dev/tophash/map/TophashMap");
  }

  RewritingClassLoader(String packagePrefix, String target) {
    super("rewriting", RewritingClassLoader.class.getClassLoader());
    this.prefix = packagePrefix;
    this.target = target;
  }

  /** Adds a class by its bytes (crafted or compiled by a test). */
  void add(String binaryName, byte[] bytes) {
    extra.put(binaryName, bytes);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.startsWith(prefix) && !extra.containsKey(name)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        byte[] original = extra.containsKey(name) ? extra.get(name) : read(name);
        SiteTransformer.Result r = SiteTransformer.rewrite(original, "rewriting", target,
            (cls, m, d, src, line, loader) -> {
              int id = dev.tophash.map.MapSites.register(cls, m, d, src, line, loader);
              registrations.add(new Registration(cls, m, line, id));
              return id;
            });
        byte[] bytes = original;
        if (r.bytes() != null) {
          bytes = r.bytes();
          rewritten.put(name, bytes);
        } else if (r.skipped()) {
          skipped.put(name, r.skipReason());
        }
        c = defineClass(name, bytes, 0, bytes.length);
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  private static byte[] read(String name) throws ClassNotFoundException {
    try (InputStream in = RewritingClassLoader.class.getClassLoader()
        .getResourceAsStream(name.replace('.', '/') + ".class")) {
      if (in == null) {
        throw new ClassNotFoundException(name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
  }

  /** Runs ASM's verifier over every rewritten class; returns its complaints, empty when none. */
  String verifyAll() {
    StringWriter out = new StringWriter();
    for (Map.Entry<String, byte[]> e : rewritten.entrySet()) {
      StringWriter one = new StringWriter();
      CheckClassAdapter.verify(new ClassReader(e.getValue()), this, false, new PrintWriter(one));
      if (one.getBuffer().length() > 0) {
        out.append(e.getKey()).append(":\n").append(one.toString());
      }
    }
    return out.toString();
  }
}
