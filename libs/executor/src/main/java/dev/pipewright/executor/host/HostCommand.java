package dev.pipewright.executor.host;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A command to start on a {@link JobHost}.
 *
 * @param id chosen by the engine, unique within the job and stable across workers ({@code
 *     "step-3.a1"}: step 3 of attempt 1): a host names what it keeps for the process after it (an
 *     output file, an exit-code file) so that a successor worker can {@link JobHost#reattach} by it
 * @param argv the program and its arguments; the program is an absolute path in the host, or a name
 *     the host looks up on {@code env}'s {@code PATH} (not the worker's)
 * @param env the process's whole environment: nothing else is inherited, except what a container
 *     runtime itself adds. The engine starts from {@link JobHost#baseEnvironment()}
 * @param workingDirectory absolute, in the host's view ({@link JobPaths})
 */
public record HostCommand(
    String id, List<String> argv, Map<String, String> env, String workingDirectory) {
  public HostCommand {
    Objects.requireNonNull(id, "id");
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs a program");
    }
    env = Map.copyOf(env);
    Objects.requireNonNull(workingDirectory, "workingDirectory");
  }
}
