package dev.tophash.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Resolves a {@link RunResult} parameter by running what the method's {@link AgentRun} says. */
public final class AgentRunExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == RunResult.class
        && c.getRequiredTestMethod().isAnnotationPresent(AgentRun.class);
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    AgentRun a = c.getRequiredTestMethod().getAnnotation(AgentRun.class);
    JvmRun run = JvmRun.main(a.main())
        .name(c.getRequiredTestClass().getSimpleName() + "-" + c.getRequiredTestMethod().getName())
        .jvmArgs(a.jvmArgs())
        .args(a.args());
    if (!a.withoutAgent()) {
      run.agent(a.agentArgs());
    }
    return run.run();
  }
}
