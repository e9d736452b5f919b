package dev.pipewright.cli;

import java.io.Console;
import java.lang.reflect.Method;
import picocli.CommandLine.Option;

/** {@code --output text|json} and {@code --no-color}, and whether stdout is a live terminal. */
final class OutputOptions {
  enum Format {
    text,
    json
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "text (default) or json: stable field names for scripts.")
  Format format = Format.text;

  @Option(
      names = "--no-color",
      description = "Plain lines: no colours, no table redrawn in place (the default off a tty).")
  boolean noColor;

  boolean json() {
    return format == Format.json;
  }

  /**
   * Colours and in-place redraws only for a person at a terminal: standard output must be a tty
   * (not a pipe or a CI log), the terminal not {@code dumb}, and {@code --no-color} not given.
   */
  boolean live() {
    return !noColor && stdoutIsTerminal() && !"dumb".equals(System.getenv("TERM"));
  }

  private static boolean stdoutIsTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    // From JDK 22 a console exists even when redirected; isTerminal() tells (absent on 21, where
    // a non-null console already means a terminal).
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
