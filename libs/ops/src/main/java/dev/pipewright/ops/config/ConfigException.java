package dev.pipewright.ops.config;

import java.util.List;

/**
 * The configuration could not be used. {@link #problems()} holds one line per problem, each
 * starting with where it comes from ({@code PIPEWRIGHT_GRPC_PORT: ...} or {@code config.yaml:3:5:
 * ...}); the message joins them so a service can print it and exit.
 */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  private static String message(List<String> problems) {
    if (problems.size() == 1) {
      return "invalid configuration: " + problems.getFirst();
    }
    return "invalid configuration ("
        + problems.size()
        + " problems):\n  "
        + String.join("\n  ", problems);
  }
}
