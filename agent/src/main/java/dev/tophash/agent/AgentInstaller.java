package dev.tophash.agent;

import java.lang.instrument.Instrumentation;

/**
 * The real entry point behind the {@link Premain} trampoline, called by reflection once the
 * bootstrap jar is on the bootstrap class path. Parses the options, refuses bad ones, and installs
 * (or, for the commands the CLI sends to a running JVM, dumps or detaches) the one
 * {@link ProfilingSession} of this JVM.
 *
 * <p>Nothing here may take the application down: every outcome is at most one line on stderr.
 * The state is published as the system property {@value #STATE_PROPERTY} ({@code installed} or
 * {@code detached}) and the result of a command as {@value #RESULT_PROPERTY}, which the CLI reads
 * back through the Attach API.
 */
public final class AgentInstaller {
  /** System property naming the agent's state in this JVM: {@code installed;DIR} or {@code detached}. */
  public static final String STATE_PROPERTY = "tophash.agent.state";
  /** System property holding the outcome of the last command sent by the CLI. */
  public static final String RESULT_PROPERTY = "tophash.agent.result";
  /** Prefix of the agent arguments the CLI uses for commands rather than options. */
  public static final String COMMAND_PREFIX = "cmd=";

  private static final Object LOCK = new Object();
  private static ProfilingSession current;

  private AgentInstaller() {}

  /**
   * Checks the agent argument before the bootstrap jar is appended; touches no map class.
   * Prints the refusal (bad options, {@code help}, already installed, a command with no agent to
   * act on) and returns false when there is nothing to install or run.
   *
   * @param args the agent argument string
   * @param attached true for agentmain
   */
  public static boolean prepare(String args, boolean attached) {
    try {
      if (args != null && args.startsWith(COMMAND_PREFIX)) {
        synchronized (LOCK) {
          if (current == null) {
            result("error: the tophash agent is not installed in this JVM");
            return false;
          }
        }
        return true;
      }
      AgentConfig config;
      try {
        config = AgentConfig.parse(args);
      } catch (IllegalArgumentException e) {
        String msg = "tophash: " + e.getMessage() + "; valid options: "
            + AgentConfig.validOptions() + " (agent not installed, the application runs without it)";
        System.err.println(msg);
        result("error: " + msg);
        return false;
      }
      if (config.help()) {
        System.err.print(AgentConfig.helpText());
        result("error: help printed, agent not installed");
        return false;
      }
      synchronized (LOCK) {
        if (current != null) {
          String msg = "tophash: the agent is already installed in this JVM (report -> "
              + current.reportDir() + "); the second load is ignored";
          System.err.println(msg);
          result("error: " + msg);
          return false;
        }
      }
      return true;
    } catch (Throwable t) {
      System.err.println("tophash: agent error, the application continues without it: " + t);
      return false;
    }
  }

  /**
   * Installs the agent, or runs a CLI command; called after {@link #prepare} accepted the
   * argument and the bootstrap jar was appended.
   *
   * @param args the agent argument string
   * @param attached true for agentmain (a running JVM), false for premain
   */
  public static void start(String args, Instrumentation inst, boolean attached) {
    try {
      if (args != null && args.startsWith(COMMAND_PREFIX)) {
        command(args.substring(COMMAND_PREFIX.length()), inst);
      } else {
        install(args, inst, attached);
      }
    } catch (Throwable t) {
      System.err.println("tophash: agent error, the application continues without it: " + t);
      result("error: " + t);
    }
  }

  private static void install(String args, Instrumentation inst, boolean attached) {
    AgentConfig config;
    try {
      config = AgentConfig.parse(args);
    } catch (IllegalArgumentException e) {
      String msg = "tophash: " + e.getMessage() + "; valid options: " + AgentConfig.validOptions()
          + " (agent not installed, the application runs without it)";
      System.err.println(msg);
      result("error: " + msg);
      return;
    }
    if (config.help()) {
      System.err.print(AgentConfig.helpText());
      result("error: help printed, agent not installed");
      return;
    }
    synchronized (LOCK) {
      if (current != null) {
        String msg = "tophash: the agent is already installed in this JVM (report -> "
            + current.reportDir() + "); the second load is ignored";
        System.err.println(msg);
        result("error: " + msg);
        return;
      }
      if (!targetPresent(config.impl())) {
        String msg = "tophash: impl=" + config.impl().optionValue() + " needs "
            + config.impl().internalName().replace('/', '.') + ", which this build's runtime-map "
            + "does not have (agent not installed, the application runs without it)";
        System.err.println(msg);
        result("error: " + msg);
        return;
      }
      ProfilingSession s = new ProfilingSession(config, inst, attached);
      s.install();
      current = s;
      System.setProperty(STATE_PROPERTY, "installed;" + s.reportDir());
      result("attached: report -> " + s.reportDir());
    }
  }

  /** Runs {@code dump[,report=DIR]} or {@code detach} against the installed session. */
  private static void command(String command, Instrumentation inst) {
    String[] parts = command.split(",", 2);
    synchronized (LOCK) {
      ProfilingSession s = current;
      if (s == null) {
        result("error: the tophash agent is not installed in this JVM");
        return;
      }
      switch (parts[0]) {
        case "dump": {
          java.nio.file.Path dir = s.reportDir();
          if (parts.length > 1 && parts[1].startsWith("report=")) {
            dir = AgentConfig.parse(parts[1]).reportDir(Pid.current());
          }
          java.nio.file.Path target = dir;
          result(dev.tophash.agent.transform.HashMapSiteTransformer.withoutRewriting(
              () -> s.writeReport(target, "dump")));
          break;
        }
        case "detach":
          current = null;
          result(dev.tophash.agent.transform.HashMapSiteTransformer.withoutRewriting(s::detach));
          System.setProperty(STATE_PROPERTY, "detached");
          break;
        default:
          result("error: unknown command " + parts[0]);
          break;
      }
    }
  }

  private static boolean targetPresent(AgentConfig.Impl impl) {
    try {
      Class.forName(impl.internalName().replace('/', '.'), false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static void result(String value) {
    System.setProperty(RESULT_PROPERTY, value);
  }

  /** The installed session, or null (for tests and the live views). */
  static ProfilingSession current() {
    synchronized (LOCK) {
      return current;
    }
  }
}
