package dev.pipewright.executor.host;

import java.util.Objects;

/**
 * The directories of one job as its processes see them: absolute paths in the host's file system
 * ({@code /github/workspace} in a container, a directory under the worker's root for the process
 * host). The engine uses them for {@code GITHUB_WORKSPACE}, {@code runner.temp}, {@code
 * RUNNER_TOOL_CACHE}, the files it hands to steps, and for every {@link JobFiles} call. Each job
 * instance has its own set, so parallel jobs never share a directory.
 *
 * @param workspace {@code GITHUB_WORKSPACE}: where steps start and {@code actions/checkout} writes
 * @param temp {@code RUNNER_TEMP}: emptied when the job ends
 * @param toolCache {@code RUNNER_TOOL_CACHE}
 * @param runnerFiles where the engine puts step scripts and the env/output/path/summary/state files
 *     it gives a step; not inside the workspace, so {@code git clean} or {@code hashFiles()} never
 *     meet them
 */
public record JobPaths(String workspace, String temp, String toolCache, String runnerFiles) {
  public JobPaths {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(temp, "temp");
    Objects.requireNonNull(toolCache, "toolCache");
    Objects.requireNonNull(runnerFiles, "runnerFiles");
  }

  /** {@code dir + "/" + name}: hosts are POSIX, whatever the worker runs on. */
  public static String join(String dir, String name) {
    if (name.isEmpty()) {
      return dir;
    }
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }
}
