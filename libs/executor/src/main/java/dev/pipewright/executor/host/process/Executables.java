package dev.pipewright.executor.host.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * PATH lookup. ProcessBuilder searches the worker's PATH, not the step's, so a step's {@code
 * $GITHUB_PATH} entries and its own {@code PATH} are honoured only if we resolve the command.
 */
public final class Executables {
  private Executables() {}

  /**
   * The executable for {@code name}: itself (against {@code dir}) when it contains a slash, else
   * the first match on {@code path}.
   */
  public static Optional<Path> find(String name, String path, Path dir) {
    if (name.contains("/")) {
      Path p = dir.resolve(name);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    if (path == null) {
      return Optional.empty();
    }
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(entry).resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static Optional<Path> onWorkerPath(String name) {
    return find(name, System.getenv("PATH"), Path.of("."));
  }
}
