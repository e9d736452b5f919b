package dev.pipewright.executor.host;

import java.util.List;

/**
 * The Node.js an executor provides to a host for JavaScript actions (GitHub's runner ships its own
 * in {@code externals/node20}, NodeScriptActionHandler.cs runs actions with it).
 *
 * @param argv how a command starts it in the host: its program, or a loader and its arguments
 *     before it when it runs on libraries it brings along
 * @param origin what the step log says it is (which setting, which mount)
 */
public record ProvidedNode(List<String> argv, String origin) {
  public ProvidedNode {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a Node.js needs a program");
    }
  }
}
