package dev.tophash.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

/**
 * The agent's entry point: {@code premain}, {@code agentmain} and the command-line {@code main}.
 *
 * <p>This class is a trampoline. It refers to nothing outside {@code java.*} (a structural test
 * reads its constant pool), so it can be loaded before anything else is in place. Once the
 * installer has accepted the options, its one job is to extract the nested runtime-map jar ({@code dev/tophash/agent/tophash-bootstrap.jar}: the map,
 * the site registry and the relocated HdrHistogram), append it to the bootstrap class path, and
 * only then hand over, by reflection and by name, to {@code AgentInstaller}, whose classes refer
 * to the map. For {@code main} the same jar goes on a private class loader instead, and the
 * command line goes to {@code cli.AgentCli}.
 *
 * <p>No lambdas, no method references and no string concatenation through invokedynamic here:
 * they would bootstrap through {@code java.lang.invoke} before the class path is ready, and cost
 * start-up time for nothing.
 */
public final class Premain {
  /** Where the nested bootstrap jar lives inside the agent jar. */
  static final String BOOTSTRAP_JAR_RESOURCE = "dev/tophash/agent/tophash-bootstrap.jar";
  /** A class the bootstrap jar holds, used to tell whether it was already appended. */
  static final String PROBE_CLASS = "dev.tophash.map.MapSites";
  private static final String INSTALLER = "dev.tophash.agent.AgentInstaller";
  private static final String CLI = "dev.tophash.agent.cli.AgentCli";
  private static final String TEMP_PREFIX = "tophash-bootstrap-";

  private Premain() {}

  /** Called by the JVM for {@code -javaagent:tophash-agent.jar[=options]}. */
  public static void premain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  /** Called by the JVM when the agent is loaded into a running JVM (attach, dump, detach). */
  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, true);
  }

  /** The command line: {@code java -jar tophash-agent.jar attach|dump|detach|report|compare|merge ...}. */
  public static void main(String[] args) throws Exception {
    File bootstrap = extractBootstrapJar();
    URL self = Premain.class.getProtectionDomain().getCodeSource().getLocation();
    ClassLoader loader = new AgentFirstLoader(
        new URL[] {self, bootstrap.toURI().toURL()}, Premain.class.getClassLoader());
    Class<?> cli = Class.forName(CLI, true, loader);
    Method main = cli.getMethod("run", String[].class);
    int code;
    try {
      code = ((Integer) main.invoke(null, (Object) args)).intValue();
    } catch (InvocationTargetException e) {
      throw rethrow(e.getCause());
    }
    System.exit(code);
  }

  /**
   * Lets the installer check the options, appends the bootstrap jar if they are good and it is
   * not there yet, then calls the installer; never throws into the JVM. The installer's check
   * touches no map class, so bad options leave the bootstrap class path (and class data sharing)
   * alone.
   */
  private static void start(String args, Instrumentation inst, boolean attached) {
    try {
      Class<?> installer = Class.forName(INSTALLER, true, Premain.class.getClassLoader());
      Method prepare = installer.getMethod("prepare", String.class, boolean.class);
      if (!((Boolean) prepare.invoke(null, args, Boolean.valueOf(attached))).booleanValue()) {
        return;
      }
      if (!bootstrapJarAppended() && !defineInBootstrapLoader(inst)) {
        inst.appendToBootstrapClassLoaderSearch(new JarFile(extractBootstrapJar()));
      }
      Method m = installer.getMethod("start", String.class, Instrumentation.class, boolean.class);
      m.invoke(null, args, inst, Boolean.valueOf(attached));
    } catch (Throwable t) {
      Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
      System.err.println("tophash: agent not installed, the application runs without it: "
          .concat(String.valueOf(cause)));
    }
  }

  /**
   * Defines every class of the nested bootstrap jar directly in the bootstrap class loader, which
   * is what appending the jar to the bootstrap class path achieves, without its side effect:
   * HotSpot answers an appended boot class path by turning class data sharing off for the
   * application's classes and printing "Sharing is only supported for boot loader classes because
   * bootstrap classpath has been appended" on stderr. The agent exports {@code jdk.internal.misc}
   * to itself (an agent may) and uses the JDK's own {@code Unsafe.defineClass} with a null loader;
   * a class whose superclass or interfaces are not defined yet is retried on the next pass. Any
   * failure returns false, and the caller appends the jar instead (already defined classes are
   * the same bytes, so the two mechanisms agree).
   */
  private static boolean defineInBootstrapLoader(Instrumentation inst) {
    try {
      Module base = Object.class.getModule();
      inst.redefineModule(base, Collections.<Module>emptySet(),
          Collections.singletonMap("jdk.internal.misc",
              Collections.singleton(Premain.class.getModule())),
          Collections.<String, java.util.Set<Module>>emptyMap(),
          Collections.<Class<?>>emptySet(),
          Collections.<Class<?>, List<Class<?>>>emptyMap());
      Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
      Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
      Method define = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class,
          int.class, ClassLoader.class, ProtectionDomain.class);
      List<String> names = new ArrayList<>();
      List<byte[]> bytes = new ArrayList<>();
      InputStream in = Premain.class.getClassLoader() == null
          ? ClassLoader.getSystemResourceAsStream(BOOTSTRAP_JAR_RESOURCE)
          : Premain.class.getClassLoader().getResourceAsStream(BOOTSTRAP_JAR_RESOURCE);
      if (in == null) {
        return false;
      }
      try (JarInputStream jar = new JarInputStream(in)) {
        for (JarEntry e = jar.getNextJarEntry(); e != null; e = jar.getNextJarEntry()) {
          String entry = e.getName();
          if (entry.endsWith(".class") && !entry.endsWith("module-info.class")) {
            names.add(entry.substring(0, entry.length() - 6).replace('/', '.'));
            bytes.add(jar.readAllBytes());
          }
        }
      }
      while (!names.isEmpty()) {
        int before = names.size();
        for (int i = names.size() - 1; i >= 0; i--) {
          byte[] b = bytes.get(i);
          try {
            define.invoke(unsafe, names.get(i), b, Integer.valueOf(0), Integer.valueOf(b.length),
                null, null);
          } catch (InvocationTargetException e) {
            if (!(e.getCause() instanceof NoClassDefFoundError)) {
              throw e;
            }
            continue; // its superclass or an interface comes later in the jar: next pass
          }
          names.remove(i);
          bytes.remove(i);
        }
        if (names.size() == before) {
          return false;
        }
      }
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  /** Whether the map classes already resolve from the bootstrap loader (a second agent load). */
  private static boolean bootstrapJarAppended() {
    try {
      Class.forName(PROBE_CLASS, false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Copies the nested bootstrap jar to a temporary file that is deleted when the JVM exits. */
  static File extractBootstrapJar() throws IOException {
    InputStream in = Premain.class.getClassLoader() == null
        ? ClassLoader.getSystemResourceAsStream(BOOTSTRAP_JAR_RESOURCE)
        : Premain.class.getClassLoader().getResourceAsStream(BOOTSTRAP_JAR_RESOURCE);
    if (in == null) {
      throw new IOException("the agent jar has no ".concat(BOOTSTRAP_JAR_RESOURCE));
    }
    File file = newTempFile();
    file.deleteOnExit();
    try (InputStream src = in) {
      Files.copy(src, file.toPath(), StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  /**
   * A new, empty, owner-only file in the temporary directory, named after this JVM's pid. Not
   * {@code File.createTempFile}: its SecureRandom loads and seeds the security providers, tens of
   * milliseconds at start-up. Files left behind by JVMs that are gone (killed, or ended with
   * {@code Runtime.halt}, so that {@code deleteOnExit} never ran) are removed on the way.
   */
  private static File newTempFile() throws IOException {
    Path dir = Paths.get(System.getProperty("java.io.tmpdir"));
    String pid = currentPid();
    removeLeftovers(dir);
    long seed = System.nanoTime() ^ System.identityHashCode(new Object());
    for (int attempt = 0; ; attempt++) {
      Path p = dir.resolve(TEMP_PREFIX.concat(pid).concat("-")
          .concat(Long.toHexString(seed + attempt)).concat(".jar"));
      try {
        Files.createFile(p);
        File f = p.toFile();
        f.setReadable(false, false);
        f.setReadable(true, true);
        f.setWritable(false, false);
        f.setWritable(true, true);
        return f;
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  /** This JVM's pid from {@code /proc/self}, or "0" where there is no such link. */
  private static String currentPid() {
    try {
      return Files.readSymbolicLink(Paths.get("/proc/self")).toString();
    } catch (Exception e) {
      return "0";
    }
  }

  /** Deletes bootstrap jars of processes that no longer exist (only where /proc tells). */
  private static void removeLeftovers(Path dir) {
    if (!Files.isDirectory(Paths.get("/proc/self"))) {
      return;
    }
    try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "tophash-bootstrap-*.jar")) {
      for (Path p : old) {
        String name = p.getFileName().toString();
        int end = name.indexOf('-', TEMP_PREFIX.length());
        if (end <= TEMP_PREFIX.length()) {
          continue;
        }
        String owner = name.substring(TEMP_PREFIX.length(), end);
        if (!owner.equals("0") && isDigits(owner)
            && !Files.exists(Paths.get("/proc").resolve(owner))) {
          Files.deleteIfExists(p);
        }
      }
    } catch (Exception e) {
      // best effort: another user's files, a vanished directory
    }
  }

  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return !s.isEmpty();
  }

  private static Exception rethrow(Throwable t) {
    if (t instanceof Error) {
      throw (Error) t;
    }
    return t instanceof Exception ? (Exception) t : new RuntimeException(t);
  }

  /**
   * The command line's class loader: {@code dev.tophash.*} from the agent jar and the bootstrap
   * jar, everything else (the JDK, {@code jdk.attach}) from the parent.
   */
  static final class AgentFirstLoader extends URLClassLoader {
    AgentFirstLoader(URL[] urls, ClassLoader parent) {
      super(urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("dev.tophash.") || name.equals(Premain.class.getName())) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
