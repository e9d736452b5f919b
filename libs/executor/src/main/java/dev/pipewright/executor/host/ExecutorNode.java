package dev.pipewright.executor.host;

import dev.pipewright.executor.host.process.Executables;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the executor's own Node.js is, for the JavaScript actions of jobs whose environment has
 * none (GitHub's runner carries one in {@code externals/node20}): the program a setting names, else
 * the {@code node} on the worker's {@code PATH}.
 *
 * @param configured the setting's path ({@code worker.node-path}), or null to look on the PATH
 */
public record ExecutorNode(Path configured) {
  /** The {@code node} on the worker's PATH. */
  public static final ExecutorNode ON_PATH = new ExecutorNode(null);

  /** The setting that names it, for messages. */
  public static final String SETTING = "worker.node-path";

  /**
   * The program, absolute; empty when none is configured and the PATH has none.
   *
   * @param path the worker's {@code PATH}
   * @throws CiException PERMANENT when the configured one is not an executable file
   */
  public Optional<Path> find(String path) {
    if (configured != null) {
      if (!Files.isRegularFile(configured) || !Files.isExecutable(configured)) {
        throw new CiException(
            ErrorCode.PERMANENT,
            SETTING + " is " + configured + ", which is not an executable file");
      }
      return Optional.of(configured.toAbsolutePath());
    }
    return Executables.find("node", path == null ? "" : path, Path.of("/"));
  }

  /** How the step log names where it comes from. */
  public String origin() {
    return configured != null
        ? "the executor's, " + SETTING
        : "the executor's, the node on the worker's PATH";
  }
}
