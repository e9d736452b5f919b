package dev.pipewright.executor.engine;

import dev.pipewright.executor.host.ExecutorNode;
import dev.pipewright.executor.host.HostCommand;
import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.ProvidedNode;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The Node.js that runs a job's JavaScript actions, found once per job: the {@code node} of the
 * job's image when the host {@link JobHost#prefersOwnNode prefers it} and it has one (as GitHub's
 * runner does for container jobs when its externals cannot be used), else the one the executor
 * {@link JobHost#providedNode provides}, else a clear error. Its version is asked once ({@code node
 * --version}) so that each step's log says which Node ran it; a {@code node24} action on a Node of
 * another major version says that too (one runtime configured for both, not a silent swap).
 */
final class NodeRuntimes {
  /** How long {@code node --version} may take (a cold container exec included). */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

  /**
   * A Node.js ready to run.
   *
   * @param argv how to start it
   * @param description its path, where it comes from and its version, for the step log
   * @param major its major version
   */
  record Node(List<String> argv, String description, int major) {
    /** The step log's line for an action declaring {@code using}. */
    String logLine(String using) {
      String line = "Node.js " + description + " runs this " + using + " action";
      int wanted = Integer.parseInt(using.substring("node".length()));
      return wanted == major
          ? line
          : line
              + " (Node.js "
              + major
              + ", not "
              + wanted
              + ": the only Node.js here runs "
              + using
              + " actions too)";
    }
  }

  private final JobHost host;
  private Node node;

  NodeRuntimes(JobHost host) {
    this.host = host;
  }

  /**
   * @param who the job and step, for the error when there is no Node.js
   * @throws CiException PERMANENT when no Node.js can run it
   */
  Node find(String who) throws IOException {
    if (node != null) {
      return node;
    }
    String origin;
    List<String> argv;
    Optional<String> own =
        host.prefersOwnNode()
            ? host.findExecutable(
                "node", host.baseEnvironment().getOrDefault("PATH", ""), host.paths().workspace())
            : Optional.empty();
    if (own.isPresent()) {
      argv = List.of(own.get());
      origin = "the job image's";
    } else {
      Optional<ProvidedNode> provided;
      try {
        provided = host.providedNode();
      } catch (CiException e) {
        throw new CiException(e.code(), who + ": " + e.getMessage(), e);
      }
      if (provided.isEmpty()) {
        throw new CiException(
            ErrorCode.PERMANENT,
            who
                + ": no Node.js to run a JavaScript action: "
                + (host.prefersOwnNode()
                    ? "the job's image has no 'node' on its PATH and this executor provides none"
                    : "this executor has no 'node' (set " + ExecutorNode.SETTING + ")"));
      }
      argv = provided.get().argv();
      origin = provided.get().origin();
    }
    String version = version(argv, who);
    node = new Node(argv, argv.getLast() + " (" + origin + ", " + version + ")", major(version));
    return node;
  }

  /**
   * {@code node --version}'s answer ({@code v20.19.2}), or a PERMANENT error saying what failed.
   */
  private String version(List<String> argv, String who) throws IOException {
    List<String> command = new ArrayList<>(argv);
    command.add("--version");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HostProcess p =
        host.start(
            new HostCommand(
                "node-version", command, host.baseEnvironment(), host.paths().workspace()),
            (offset, bytes, from, length) -> {
              synchronized (out) {
                out.write(bytes, from, length);
              }
            });
    OptionalInt exit;
    try {
      exit = p.waitFor(PROBE_TIMEOUT);
      p.drain(Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CiException(ErrorCode.TRANSIENT, "interrupted asking Node.js its version", e);
    }
    String text;
    synchronized (out) {
      text = out.toString(StandardCharsets.UTF_8).strip();
    }
    if (exit.isEmpty() || exit.getAsInt() != 0 || !text.matches("v\\d+\\..*")) {
      throw new CiException(
          ErrorCode.PERMANENT,
          who
              + ": the Node.js at "
              + String.join(" ", argv)
              + " does not run ("
              + (exit.isEmpty() ? "no answer" : "exit code " + exit.getAsInt())
              + (text.isEmpty() ? "" : ": " + text)
              + ")");
    }
    return text;
  }

  private static int major(String version) {
    return Integer.parseInt(version.substring(1, version.indexOf('.')));
  }
}
