package dev.tophash.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a fixture main with the shipped agent before the test method, which receives the
 * {@link RunResult} as a parameter:
 *
 * <pre>
 *   &#64;Test
 *   &#64;AgentRun(main = QuietApp.class, agentArgs = "jdk=true")
 *   void jdkMaps(RunResult r) { ... }
 * </pre>
 *
 * For runs that need more control (another JDK, attach, several JVMs) use {@link JvmRun}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ExtendWith(AgentRunExtension.class)
public @interface AgentRun {
  /** The fixture main, from {@code dev.tophash.it.apps}. */
  Class<?> main();

  /** The agent's options; the report directory is added unless they name one. */
  String agentArgs() default "";

  /** Extra JVM options. */
  String[] jvmArgs() default {};

  /** The main's arguments. */
  String[] args() default {};

  /** Run without the agent (for a baseline). */
  boolean withoutAgent() default false;
}
