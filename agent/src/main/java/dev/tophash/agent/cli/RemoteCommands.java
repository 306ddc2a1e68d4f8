package dev.tophash.agent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.tophash.agent.AgentConfig;
import dev.tophash.agent.AgentInstaller;
import dev.tophash.agent.live.Profiler;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.util.Properties;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code attach}, {@code dump} and {@code detach}: the commands that talk to a running JVM through
 * the Attach API. Kept apart from {@link AgentCli} so that the report commands work on a runtime
 * without the {@code jdk.attach} module.
 */
final class RemoteCommands {
  /**
   * How long {@code dump} waits for the agent's MBean after starting the target's local JMX
   * connector: twice the period at which an agent started with {@code -javaagent} checks whether
   * JMX is in use.
   */
  private static final long MBEAN_WAIT_NANOS = 2_000_000_000L;

  private final PrintStream out;
  private final PrintStream err;

  RemoteCommands(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs {@code cmd} with its arguments (the pid first); returns the exit code. */
  int run(String cmd, String[] args) {
    return remote(cmd, args);
  }

  private int remote(String cmd, String[] args) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.print(AgentCli.usage());
      return 0;
    }
    int maxArgs = cmd.equals("detach") ? 1 : 2;
    if (args.length < 1 || args.length > maxArgs) {
      err.println("tophash: " + cmd + " needs " + (cmd.equals("detach") ? "<pid>"
          : cmd.equals("attach") ? "<pid> [options]" : "<pid> [report=DIR]"));
      return 2;
    }
    long pid;
    try {
      pid = Long.parseLong(args[0]);
    } catch (NumberFormatException e) {
      err.println("tophash: \"" + args[0] + "\" is not a process id");
      return 2;
    }
    String options = args.length > 1 ? args[1] : "";
    if (cmd.equals("attach")) {
      try {
        AgentConfig c = AgentConfig.parse(options);
        if (c.help()) {
          out.print(AgentConfig.helpText());
          return 0;
        }
      } catch (IllegalArgumentException e) {
        err.println("tophash: " + e.getMessage() + "; valid options: " + AgentConfig.validOptions());
        return 2;
      }
    } else if (cmd.equals("dump") && !options.isEmpty() && !options.startsWith("report=")) {
      err.println("tophash: dump takes only report=DIR, not \"" + options + "\"");
      return 2;
    }
    if (pid == ProcessHandle.current().pid()) {
      err.println("tophash: pid " + pid + " is this command itself");
      return 2;
    }
    if (ProcessHandle.of(pid).isEmpty()) {
      err.println("tophash: no process with pid " + pid);
      return 1;
    }
    String jar;
    try {
      jar = agentJar();
    } catch (IOException | URISyntaxException e) {
      err.println("tophash: cannot locate the agent jar: " + e.getMessage());
      return 1;
    }
    VirtualMachine vm;
    try {
      vm = VirtualMachine.attach(Long.toString(pid));
    } catch (AttachNotSupportedException | IOException e) {
      err.println("tophash: cannot attach to pid " + pid + " (not a JVM, another user's, or "
          + "attach disabled with -XX:+DisableAttachMechanism): " + e.getMessage());
      return 1;
    } catch (SecurityException e) {
      err.println("tophash: not allowed to attach to pid " + pid + ": " + e.getMessage());
      return 1;
    }
    try {
      return remote(cmd, vm, pid, jar, options);
    } finally {
      try {
        vm.detach();
      } catch (IOException e) {
        // the target may have exited
      }
    }
  }

  private int remote(String cmd, VirtualMachine vm, long pid, String jar, String options) {
    try {
      String state = vm.getSystemProperties().getProperty(AgentInstaller.STATE_PROPERTY, "");
      boolean installed = state.startsWith("installed");
      if (cmd.equals("attach") && installed) {
        err.println("tophash: pid " + pid + " already has the tophash agent (report -> "
            + state.substring(state.indexOf(';') + 1) + "); use dump or detach");
        return 1;
      }
      if (!cmd.equals("attach") && !installed) {
        err.println("tophash: pid " + pid + " does not have the tophash agent; attach it first");
        return 1;
      }
      if (cmd.equals("dump") && options.isEmpty()) {
        String viaJmx = dumpOverJmx(vm);
        if (viaJmx != null) {
          if (viaJmx.startsWith("error:")) {
            err.println("tophash: pid " + pid + ": " + unprefixed(viaJmx.substring(6).trim()));
            return 1;
          }
          out.println("tophash: pid " + pid + ": " + viaJmx);
          return 0;
        }
      }
      String agentArgs = cmd.equals("attach") ? options
          : AgentInstaller.COMMAND_PREFIX + cmd + (options.isEmpty() ? "" : "," + options);
      vm.loadAgent(jar, agentArgs);
      Properties after = vm.getSystemProperties();
      String result = after.getProperty(AgentInstaller.RESULT_PROPERTY, "");
      if (result.startsWith("error:")) {
        err.println("tophash: pid " + pid + ": " + unprefixed(result.substring(6).trim()));
        return 1;
      }
      out.println("tophash: pid " + pid + ": " + result);
      return 0;
    } catch (AgentLoadException | AgentInitializationException e) {
      err.println("tophash: the agent could not be loaded into pid " + pid + ": " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("tophash: lost the connection to pid " + pid + ": " + e.getMessage());
      return 1;
    }
  }

  /**
   * Asks the agent's MBean for a report through the target's local JMX connector, so that no
   * agent is loaded again (on JDK 21+ every dynamic load prints a warning in the target). Returns
   * null when that is not possible (no management agent module, MBean still not registered after
   * {@link #MBEAN_WAIT_NANOS}), and
   * the caller falls back to loading the agent with a command.
   */
  private static String dumpOverJmx(VirtualMachine vm) {
    try {
      String address = vm.startLocalManagementAgent();
      try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
        MBeanServerConnection server = connector.getMBeanServerConnection();
        ObjectName name = new ObjectName(Profiler.OBJECT_NAME);
        // An agent started with -javaagent registers its MBean once JMX is in use, which the
        // local connector just started brings about: give it a moment to notice
        long deadline = System.nanoTime() + MBEAN_WAIT_NANOS;
        while (!server.isRegistered(name)) {
          if (System.nanoTime() > deadline) {
            return null;
          }
          Thread.sleep(50);
        }
        return String.valueOf(server.invoke(name, "dump", null, null));
      }
    } catch (Exception | LinkageError e) {
      return null;
    }
  }

  /** The path of the jar this class was loaded from. */
  static String agentJar() throws IOException, URISyntaxException {
    File f = new File(AgentCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!f.isFile()) {
      throw new IOException(f + " is not the agent jar (run java -jar tophash-agent.jar)");
    }
    return f.getAbsolutePath();
  }

  /** A message from the target's agent without its own "tophash: " prefix, which ours repeats. */
  private static String unprefixed(String message) {
    return message.startsWith("tophash: ") ? message.substring("tophash: ".length()) : message;
  }
}
