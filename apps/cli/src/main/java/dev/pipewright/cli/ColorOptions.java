package dev.pipewright.cli;

import java.io.Console;
import java.lang.reflect.Method;
import picocli.CommandLine.Option;

/**
 * {@code --no-color} and whether stdout is a live terminal; the {@code --output} mixins extend it,
 * each with the formats its commands can print.
 */
class ColorOptions {
  @Option(
      names = "--no-color",
      description =
          "Plain lines: no colours, no table redrawn in place (the default off a tty or with"
              + " $NO_COLOR set).")
  boolean noColor;

  /**
   * Colours and in-place redraws only for a person at a terminal: standard output must be a tty
   * (not a pipe or a CI log), the terminal not {@code dumb}, {@code NO_COLOR} unset or empty
   * (https://no-color.org) and {@code --no-color} not given.
   */
  boolean live() {
    String noColorEnv = System.getenv("NO_COLOR");
    return !noColor
        && (noColorEnv == null || noColorEnv.isEmpty())
        && stdoutIsTerminal()
        && !"dumb".equals(System.getenv("TERM"));
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
