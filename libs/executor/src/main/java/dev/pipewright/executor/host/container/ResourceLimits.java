package dev.pipewright.executor.host.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The open-files and process limits a job container asks for: the worker's own hard limits, never
 * more. Rootful podman asks for 1048576 of each unless told otherwise, and where the worker lacks
 * CAP_SYS_RESOURCE (these machines: open files capped at 20000) runc then fails every container
 * with "error setting rlimit type 7: operation not permitted". Public for benches that run podman
 * the way the container host does.
 *
 * @param openFiles RLIMIT_NOFILE, soft and hard; empty leaves podman's default
 * @param processes RLIMIT_NPROC, soft and hard; empty leaves podman's default
 */
public record ResourceLimits(OptionalLong openFiles, OptionalLong processes) {

  /**
   * podman lowers its own RLIMIT_NPROC to this before it starts a container (seen with strace on
   * podman 4.3), so a container cannot be given more, whatever the worker has.
   */
  static final long PODMAN_MAX_PROCESSES = 32768;

  /** The worker's limits from {@code /proc/self/limits}; none where that file is missing. */
  public static ResourceLimits ofWorker() {
    Path limits = Path.of("/proc/self/limits");
    try {
      return Files.isReadable(limits) ? parse(Files.readString(limits)) : none();
    } catch (IOException e) {
      return none();
    }
  }

  static ResourceLimits none() {
    return new ResourceLimits(OptionalLong.empty(), OptionalLong.empty());
  }

  /** Reads the hard limits out of a {@code /proc/<pid>/limits} text. */
  static ResourceLimits parse(String procLimits) {
    OptionalLong files = hardLimit(procLimits, "Max open files");
    OptionalLong processes = hardLimit(procLimits, "Max processes");
    return new ResourceLimits(
        files,
        OptionalLong.of(Math.min(processes.orElse(PODMAN_MAX_PROCESSES), PODMAN_MAX_PROCESSES)));
  }

  /** {@code --ulimit} arguments for {@code podman run}. */
  public List<String> podmanArguments() {
    List<String> args = new ArrayList<>();
    openFiles.ifPresent(n -> args.addAll(List.of("--ulimit", "nofile=" + n + ":" + n)));
    processes.ifPresent(n -> args.addAll(List.of("--ulimit", "nproc=" + n + ":" + n)));
    return args;
  }

  /** "unlimited" reads as empty: podman's default then applies. */
  private static OptionalLong hardLimit(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ")) {
        String[] fields = line.substring(name.length()).trim().split("\\s+");
        if (fields.length >= 2 && fields[1].chars().allMatch(Character::isDigit)) {
          return OptionalLong.of(Long.parseLong(fields[1]));
        }
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }
}
