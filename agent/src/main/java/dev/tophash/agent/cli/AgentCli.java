package dev.tophash.agent.cli;

import dev.tophash.agent.AgentConfig;
import dev.tophash.reports.cli.ReportsCli;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The command line of {@code tophash-agent.jar}: {@code attach}, {@code dump} and {@code detach}
 * talk to a running JVM through the Attach API ({@code jdk.attach}); {@code report},
 * {@code compare} and {@code merge} belong to the reports module.
 *
 * <p>The remote commands live in {@link RemoteCommands}, so that the report commands also work
 * on a Java runtime without {@code jdk.attach}. {@code dump} asks the agent's MBean through the
 * target's local JMX connector (started on demand, as jconsole does), so that no agent is loaded
 * again; with {@code report=DIR}, or when JMX is not available, it loads the agent jar again with
 * a command argument, as {@code detach} always does: the agent already in the target finds its
 * session and acts on it. Before anything is loaded the target's system properties tell whether
 * the agent is there ({@code tophash.agent.state}), and afterwards how the command went
 * ({@code tophash.agent.result}).
 */
public final class AgentCli {
  private final PrintStream out;
  private final PrintStream err;

  AgentCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs one command line and returns the exit code; called by the trampoline's {@code main}. */
  public static int run(String[] args) {
    return new AgentCli(System.out, System.err).execute(args);
  }

  /** The usage text of the agent's command line. */
  static String usage() {
    return "usage: java -jar tophash-agent.jar <command> [arguments]\n"
        + "  attach <pid> [options]   load the agent into a running JVM and rewrite its loaded classes\n"
        + "  dump <pid> [report=DIR]  write a report now (into DIR, default: the agent's report=)\n"
        + "  detach <pid>             restore the original bytecode and write a final report\n"
        + "  report|compare|merge ... report tools; see <command> --help\n"
        + "  --help                   this text\n"
        + "As an agent: java -javaagent:tophash-agent.jar[=options] ...\n"
        + AgentConfig.helpText();
  }

  int execute(String[] args) {
    if (args.length == 0) {
      err.print(usage());
      return 2;
    }
    String cmd = args[0];
    if (cmd.equals("--help") || cmd.equals("-h") || cmd.equals("help")) {
      out.print(usage());
      return 0;
    }
    if (ReportsCli.handles(cmd)) {
      try {
        return ReportsCli.run(args, out, err);
      } catch (RuntimeException e) {
        err.println("tophash: " + cmd + " failed: " + e);
        return 1;
      }
    }
    switch (cmd) {
      case "attach":
      case "dump":
      case "detach":
        return remote(cmd, Arrays.copyOfRange(args, 1, args.length));
      default:
        err.println("tophash: unknown command \"" + cmd + "\"");
        err.print(usage());
        return 2;
    }
  }

  private int remote(String cmd, String[] args) {
    try {
      return new RemoteCommands(out, err).run(cmd, args);
    } catch (NoClassDefFoundError e) {
      err.println("tophash: " + cmd + " needs the jdk.attach module, which this Java runtime lacks ("
          + e.getMessage() + "); run the command with a full JDK");
      return 1;
    }
  }
}
