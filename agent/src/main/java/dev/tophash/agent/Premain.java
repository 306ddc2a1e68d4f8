package dev.tophash.agent;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

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
   * to itself (an agent may) and uses the JDK's own {@code Unsafe.defineClass} with a null loader.
   * Each class is defined after its superclass and interfaces (read from its class file), so no
   * definition fails for want of one. Any failure returns false, and the caller appends the jar
   * instead (already defined classes are the same bytes, so the two mechanisms agree).
   */
  private static boolean defineInBootstrapLoader(Instrumentation inst) {
    try {
      Map<String, byte[]> classes = readBootstrapClasses();
      if (classes == null) {
        return false;
      }
      Module base = Object.class.getModule();
      inst.redefineModule(base, Collections.<Module>emptySet(),
          Collections.singletonMap("jdk.internal.misc",
              Collections.singleton(Premain.class.getModule())),
          Collections.<String, Set<Module>>emptyMap(),
          Collections.<Class<?>>emptySet(),
          Collections.<Class<?>, List<Class<?>>>emptyMap());
      Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
      Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
      Method define = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class,
          int.class, ClassLoader.class, ProtectionDomain.class);
      for (String name : BootClasses.definitionOrder(classes)) {
        byte[] b = classes.get(name);
        define.invoke(unsafe, name.replace('/', '.'), b, Integer.valueOf(0),
            Integer.valueOf(b.length), null, null);
      }
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  /**
   * The class files of the nested bootstrap jar by internal name, or null when the agent jar has
   * none. The nested jar is read straight from the agent jar when that is a file, which is
   * cheaper at start-up than a resource lookup through the class loaders (it searches the JDK's
   * modules first and then goes through a {@code jar:} URL connection).
   */
  private static Map<String, byte[]> readBootstrapClasses() throws IOException {
    byte[] nested = null;
    File self = agentJarFile();
    if (self != null) {
      try (JarFile agent = new JarFile(self, false)) {
        ZipEntry e = agent.getEntry(BOOTSTRAP_JAR_RESOURCE);
        if (e != null) {
          try (InputStream in = agent.getInputStream(e)) {
            nested = in.readAllBytes();
          }
        }
      }
    }
    if (nested == null) {
      InputStream in = bootstrapJarResource();
      if (in == null) {
        return null;
      }
      try (InputStream src = in) {
        nested = src.readAllBytes();
      }
    }
    try {
      return JarBytes.classFiles(nested);
    } catch (IOException e) {
      // not a jar the quick reader knows: read it the slow way
    }
    Map<String, byte[]> classes = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(nested))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        String entry = e.getName();
        if (entry.endsWith(".class") && !entry.endsWith("module-info.class")) {
          classes.put(entry.substring(0, entry.length() - 6), zip.readAllBytes());
        }
      }
    }
    return classes;
  }

  /** The agent jar this class was loaded from, or null when it is not a local file. */
  private static File agentJarFile() {
    try {
      CodeSource source = Premain.class.getProtectionDomain().getCodeSource();
      URL url = source == null ? null : source.getLocation();
      if (url == null || !"file".equals(url.getProtocol())) {
        return null;
      }
      File f = new File(url.toURI());
      return f.isFile() ? f : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** The nested bootstrap jar as a resource of the agent's class loader, or null. */
  private static InputStream bootstrapJarResource() {
    return Premain.class.getClassLoader() == null
        ? ClassLoader.getSystemResourceAsStream(BOOTSTRAP_JAR_RESOURCE)
        : Premain.class.getClassLoader().getResourceAsStream(BOOTSTRAP_JAR_RESOURCE);
  }

  /**
   * The order in which the classes of the nested jar are defined in the bootstrap loader: each
   * after its superclass and interfaces, read from its class file's constant pool, so that no
   * definition fails for want of one (a failed definition costs the JVM a whole parse of the
   * class, and an exception).
   */
  static final class BootClasses {
    private BootClasses() {}

    /**
     * The internal names of {@code files} (class files by internal name), supertypes first.
     *
     * @throws IllegalArgumentException for a class file whose constant pool cannot be walked
     */
    static List<String> definitionOrder(Map<String, byte[]> files) {
      Map<String, List<String>> supertypes = new HashMap<>();
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        supertypes.put(e.getKey(), supertypes(e.getValue()));
      }
      List<String> order = new ArrayList<>(files.size());
      Set<String> placed = new HashSet<>();
      for (String name : files.keySet()) {
        place(name, supertypes, placed, order);
      }
      return order;
    }

    private static void place(String name, Map<String, List<String>> supertypes,
        Set<String> placed, List<String> order) {
      List<String> supers = supertypes.get(name);
      if (supers == null || !placed.add(name)) {
        return; // not in the jar (a JDK class), or already placed
      }
      for (String s : supers) {
        place(s, supertypes, placed, order);
      }
      order.add(name);
    }

    /**
     * The superclass and interfaces a class file names (none for {@code java/lang/Object}),
     * found by walking its constant pool.
     */
    static List<String> supertypes(byte[] b) {
      int count = u2(b, 8);
      int[] at = new int[count];
      int p = 10;
      for (int i = 1; i < count; i++) {
        at[i] = p;
        switch (b[p]) {
          case 1: // Utf8
            p += 3 + u2(b, p + 1);
            break;
          case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
            p += 3;
            break;
          case 15: // MethodHandle
            p += 4;
            break;
          case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
            p += 5;
            break;
          case 5: case 6: // Long, Double: two slots
            p += 9;
            i++;
            break;
          default:
            throw new IllegalArgumentException("constant pool tag " + b[p]);
        }
      }
      List<String> out = new ArrayList<>();
      int superClass = u2(b, p + 4);
      if (superClass != 0) {
        out.add(className(b, at, superClass));
      }
      int interfaces = u2(b, p + 6);
      for (int i = 0; i < interfaces; i++) {
        out.add(className(b, at, u2(b, p + 8 + 2 * i)));
      }
      return out;
    }

    /** The name of CONSTANT_Class {@code index}; as Latin-1, which internal names here are. */
    private static String className(byte[] b, int[] at, int index) {
      int utf8 = at[u2(b, at[index] + 1)];
      return new String(b, utf8 + 3, u2(b, utf8 + 1), StandardCharsets.ISO_8859_1);
    }

    private static int u2(byte[] b, int offset) {
      return ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
    }
  }

  /**
   * Reads the class files of a jar held in memory through its central directory, inflating each
   * in one call: a fraction of what {@link ZipInputStream} costs at start-up, where it runs
   * interpreted and inflates in 512-byte steps (for the nested jar's 125 classes, about 15 ms
   * on a small machine). Handles what jar tools write (stored or deflated entries, no ZIP64);
   * anything else is an {@link IOException}, and the caller falls back to
   * {@link ZipInputStream}.
   */
  static final class JarBytes {
    private static final int END_HEADER = 0x06054b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int LOCAL_HEADER = 0x04034b50;

    private JarBytes() {}

    /** The {@code .class} entries of {@code jar} (but {@code module-info}), by internal name. */
    static Map<String, byte[]> classFiles(byte[] jar) throws IOException {
      int end = -1;
      for (int i = jar.length - 22; i >= 0 && i >= jar.length - 22 - 0xffff; i--) {
        if (le4(jar, i) == END_HEADER) {
          end = i;
          break;
        }
      }
      if (end < 0) {
        throw new IOException("no end of central directory");
      }
      int entries = le2(jar, end + 10);
      int p = le4(jar, end + 16);
      Map<String, byte[]> out = new LinkedHashMap<>();
      Inflater inflater = new Inflater(true);
      CRC32 crc = new CRC32();
      try {
        for (int n = 0; n < entries; n++) {
          if (p < 0 || le4(jar, p) != CENTRAL_HEADER) {
            throw new IOException("bad central directory entry");
          }
          int method = le2(jar, p + 10);
          int size = le4(jar, p + 24);
          int nameLength = le2(jar, p + 28);
          String name = new String(jar, p + 46, nameLength, StandardCharsets.UTF_8);
          int local = le4(jar, p + 42);
          int expectedCrc = le4(jar, p + 16);
          int compressed = le4(jar, p + 20);
          p += 46 + nameLength + le2(jar, p + 30) + le2(jar, p + 32);
          if (!name.endsWith(".class") || name.endsWith("module-info.class")) {
            continue;
          }
          if (size < 0 || compressed < 0 || local < 0 || le4(jar, local) != LOCAL_HEADER) {
            throw new IOException("unsupported entry " + name);
          }
          int data = local + 30 + le2(jar, local + 26) + le2(jar, local + 28);
          byte[] b = new byte[size];
          if (method == ZipEntry.STORED && compressed == size) {
            System.arraycopy(jar, data, b, 0, size);
          } else if (method == ZipEntry.DEFLATED) {
            inflater.reset();
            inflater.setInput(jar, data, compressed);
            if (inflater.inflate(b) != size || !inflater.finished()) {
              throw new IOException("bad deflated data in " + name);
            }
          } else {
            throw new IOException("unsupported entry " + name);
          }
          crc.reset();
          crc.update(b);
          if ((int) crc.getValue() != expectedCrc) {
            throw new IOException("CRC mismatch in " + name);
          }
          out.put(name.substring(0, name.length() - 6), b);
        }
      } catch (DataFormatException | IndexOutOfBoundsException e) {
        throw new IOException("unreadable jar: " + e, e);
      } finally {
        inflater.end();
      }
      return out;
    }

    private static int le2(byte[] b, int offset) {
      return (b[offset] & 0xff) | (b[offset + 1] & 0xff) << 8;
    }

    private static int le4(byte[] b, int offset) {
      return le2(b, offset) | le2(b, offset + 2) << 16;
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
    InputStream in = bootstrapJarResource();
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
