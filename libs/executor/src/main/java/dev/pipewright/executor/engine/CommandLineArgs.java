package dev.pipewright.executor.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line split into arguments as the runner's docker command line splits a {@code
 * docker://} step's {@code with: args} (ContainerActionHandler passes it into {@code docker run}
 * unchanged; .NET splits a process's argument string): blanks separate, double quotes group, a
 * backslash escapes a double quote (an even run of backslashes before a quote is halved and the
 * quote groups), other backslashes and single quotes are literal.
 */
final class CommandLineArgs {
  private CommandLineArgs() {}

  static List<String> split(String line) {
    List<String> args = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inArg = false;
    boolean quoted = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '\\') {
        int start = i;
        while (i < line.length() && line.charAt(i) == '\\') {
          i++;
        }
        int slashes = i - start;
        boolean beforeQuote = i < line.length() && line.charAt(i) == '"';
        current.append("\\".repeat(beforeQuote ? slashes / 2 : slashes));
        if (beforeQuote && slashes % 2 == 1) {
          current.append('"');
          i++;
        }
        inArg = true;
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
        inArg = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (inArg) {
          args.add(current.toString());
          current.setLength(0);
          inArg = false;
        }
      } else {
        current.append(c);
        inArg = true;
      }
      i++;
    }
    if (inArg) {
      args.add(current.toString());
    }
    return args;
  }
}
