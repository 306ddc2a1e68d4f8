package dev.tophash.it.apps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A class loader zoo: loads {@code dev.tophash.it.zoo.ZooPlugin} from the directory named by its
 * argument (not on the class path) through two loaders, a custom parent-first loader named
 * {@code zoo} and a child-first {@code URLClassLoader} named {@code child-first}, and prints what
 * each copy's {@code run} returns.
 */
public final class LoaderZooApp {
  private LoaderZooApp() {}

  static final String PLUGIN = "dev.tophash.it.zoo.ZooPlugin";

  /** Defines classes from a directory of class files; asks its parent first, as loaders should. */
  static final class DirectoryLoader extends ClassLoader {
    private final Path root;

    DirectoryLoader(String name, Path root, ClassLoader parent) {
      super(name, parent);
      this.root = root;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      Path file = root.resolve(name.replace('.', '/') + ".class");
      if (!Files.isRegularFile(file)) {
        throw new ClassNotFoundException(name);
      }
      try {
        byte[] b = Files.readAllBytes(file);
        return defineClass(name, b, 0, b.length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Looks in its own URLs before asking the parent, as web containers and plugin hosts do. */
  static final class ChildFirstLoader extends URLClassLoader {
    ChildFirstLoader(String name, URL[] urls, ClassLoader parent) {
      super(name, urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null && !name.startsWith("java.")) {
          try {
            c = findClass(name);
          } catch (ClassNotFoundException e) {
            // fall back to the parent
          }
        }
        if (c == null) {
          c = super.loadClass(name, false);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args[0]);
    ClassLoader app = LoaderZooApp.class.getClassLoader();
    try (ChildFirstLoader childFirst = new ChildFirstLoader("child-first",
        new URL[] {dir.toUri().toURL()}, app)) {
      ClassLoader[] loaders = {new DirectoryLoader("zoo", dir, app), childFirst};
      for (ClassLoader l : loaders) {
        Class<?> plugin = Class.forName(PLUGIN, true, l);
        Method run = plugin.getMethod("run", int.class);
        System.out.println(l.getName() + ": " + run.invoke(null, 5_000));
      }
    }
  }
}
