package dev.pipewright.executor.host;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A step that runs in a container of its own (a docker action, a {@code docker://} step), as
 * actions/runner's ContainerActionHandler.cs and DockerCommandManager.DockerRun start one: the
 * image's entry point (or {@code entrypoint}) with {@code args}, the job's directories mounted
 * where GitHub mounts them, started in {@code /github/workspace}, removed when it ends.
 *
 * @param id the engine's command id, unique within the job: hosts name the container after it
 * @param image an image reference ({@code alpine:3.20}, {@code ghcr.io/o/i@sha256:…}), without
 *     {@code docker://}
 * @param entrypoint replaces the image's entry point, or null to keep it
 * @param args the container's command: replaces the image's {@code CMD}
 * @param env the container's environment, on top of the image's (names and values as given; the
 *     paths in it are already the container's)
 * @param mounts container directory → the job's directory mounted there, as {@link JobHost#paths}
 *     names it (each a directory of the job, existing)
 * @param workingDirectory in the container
 */
public record StepContainer(
    String id,
    String image,
    String entrypoint,
    List<String> args,
    Map<String, String> env,
    Map<String, String> mounts,
    String workingDirectory) {
  public StepContainer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(image, "image");
    args = List.copyOf(args);
    env = Map.copyOf(env);
    mounts = Map.copyOf(mounts);
    Objects.requireNonNull(workingDirectory, "workingDirectory");
  }
}
