package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.host.HostCommand;
import dev.pipewright.executor.host.container.ContainerShell;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The protocol between the worker and the pod agent ({@code pod-agent.sh}, the main process of each
 * job's pod): the agent's script, the names of the files in a job's control directory, and the
 * command files the worker writes there. Pure: {@link PodHost} does the I/O.
 */
final class PodAgent {
  private PodAgent() {}

  /** The agent, run as {@code /bin/sh -c SCRIPT pod-agent <control directory>}. */
  static final String SCRIPT = load();

  /** Written by the agent once it runs: its environment, NUL-separated. */
  static final String READY = "agent.env";

  /** Written by the worker: the job is over, the agent kills what is left and exits 0. */
  static final String RELEASE = "release";

  /** Written by the agent whenever it stops: why ({@code release}, {@code TERM}...). */
  static final String STOPPED = "stopped";

  static final String COMMAND = ".cmd";
  static final String CLAIMED = ".run";
  static final String LOG = ".log";
  static final String PID = ".pid";
  static final String EXIT = ".exit";
  static final String SIGNAL = ".sig";

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** The container's command line. */
  static List<String> command(String controlDir) {
    return List.of("/bin/sh", "-c", SCRIPT, "pod-agent", controlDir);
  }

  /**
   * The script the agent runs for {@code command}: it deletes itself first (it holds the step's
   * environment, secrets included, and the shell reads on from its open file), replaces the agent's
   * environment with exactly the command's, enters the working directory and becomes the command.
   * Its stdout and stderr are already the command's log, in one stream.
   *
   * @param agentVariables the names in the agent's own environment, which the command must not
   *     inherit unless its environment sets them again
   */
  static String commandScript(HostCommand command, Set<String> agentVariables) {
    StringBuilder s = new StringBuilder("rm -f -- \"$0\"\n");
    for (String name : agentVariables) {
      if (NAME.matcher(name).matches() && !command.env().containsKey(name)) {
        s.append("unset ").append(name).append('\n');
      }
    }
    // The command as the positional parameters: the environment file may put env before it.
    s.append("set --");
    for (String arg : command.argv()) {
      s.append(' ').append(quote(arg));
    }
    s.append('\n');
    s.append(ContainerShell.environmentFile(command.env()));
    s.append("cd -- ").append(quote(command.workingDirectory())).append(" || exit 1\n");
    return s.append("exec \"$@\"\n").toString();
  }

  /** The agent's environment from {@link #READY}: {@code NAME=value} entries, NUL-separated. */
  static Map<String, String> environment(byte[] environ) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }

  /** The exit code in an {@link #EXIT} file, or empty when it holds no number (yet). */
  static OptionalInt exitCode(String content) {
    String s = content.strip();
    if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(Character::isDigit)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Integer.parseInt(s));
  }

  /** One sh word: single-quoted, each {@code '} closed, escaped and reopened. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static String load() {
    try (InputStream in = PodAgent.class.getResourceAsStream("pod-agent.sh")) {
      if (in == null) {
        throw new IllegalStateException("pod-agent.sh is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
