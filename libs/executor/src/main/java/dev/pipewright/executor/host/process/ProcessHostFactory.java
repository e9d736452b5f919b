package dev.pipewright.executor.host.process;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.host.ExecutorNode;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process hosts under one root directory. Each job instance gets a workspace of its own, {@code
 * <root>/<workspace>/<job>/} ({@link JobRun#workspace} names the build's directory, by default the
 * build id), so parallel jobs never collide; its runner files, {@code RUNNER_TEMP} and {@code
 * RUNNER_TOOL_CACHE} are in {@code <root>/.pipewright/<build>/<job>/}, with a marker per attempt
 * that tells a successor worker which jobs its predecessor had started. Each of these directories
 * is the worker user's alone (0700): the process host is single-tenant, every build runs as that
 * user, and no other user of the machine may read a build's files.
 */
public final class ProcessHostFactory implements JobHostFactory {
  private static final Logger log = LoggerFactory.getLogger(ProcessHostFactory.class);
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final String RUNNER_DIR = ".pipewright";

  private final Path root;
  private final Map<String, String> baseEnvironment;
  private final ExecutorNode node;

  /** Build id → the workspace directories its jobs used, for {@link #releaseBuild}. */
  private final Map<String, Set<Path>> workspaces = new ConcurrentHashMap<>();

  /**
   * @param inheritedEnv the worker's variables passed to commands; not the whole environment, so
   *     the worker's own credentials do not leak into builds
   */
  public ProcessHostFactory(Path root, List<String> inheritedEnv) {
    this(root, inheritedEnv, ExecutorNode.ON_PATH);
  }

  /**
   * @param node the Node.js the jobs' JavaScript actions run on
   */
  public ProcessHostFactory(Path root, List<String> inheritedEnv, ExecutorNode node) {
    this.node = node;
    this.root = root.toAbsolutePath().normalize();
    Map<String, String> base = new LinkedHashMap<>();
    for (String name : inheritedEnv) {
      String v = System.getenv(name);
      if (v != null) {
        base.put(name, v);
      }
    }
    this.baseEnvironment = Map.copyOf(base);
  }

  @Override
  public JobHost open(JobRun run) {
    Path buildDir = safeChild(root, run.workspace());
    workspaces.computeIfAbsent(run.buildId(), b -> ConcurrentHashMap.newKeySet()).add(buildDir);
    Path workspace = safeChild(buildDir, run.jobKey());
    Path runnerDir = runnerDirOf(run.ref());
    Path runnerBuildDir = runnerDir.getParent();
    JobPaths paths =
        new JobPaths(
            workspace.toString(),
            runnerDir.resolve("temp").toString(),
            runnerDir.resolve("tool-cache").toString(),
            runnerDir.toString());
    return new ProcessHost(
        paths, marker(run), List.of(buildDir, runnerBuildDir), baseEnvironment, node);
  }

  @Override
  public boolean startedBefore(JobRun run) {
    return Files.exists(marker(run));
  }

  @Override
  public void releaseBuild(String buildId) {
    Set<Path> dirs = new LinkedHashSet<>();
    Set<Path> used = workspaces.remove(buildId);
    if (used != null) {
      dirs.addAll(used);
    }
    dirs.add(safeChild(root, buildId));
    dirs.add(safeChild(root.resolve(RUNNER_DIR), buildId));
    for (Path dir : dirs) {
      try {
        deleteTree(dir);
      } catch (IOException e) {
        log.warn("could not delete {} of build {}: {}", dir, buildId, e.toString());
      }
    }
  }

  @Override
  public void close() {
    // Nothing of its own: the signal shell is shared by every host of the worker.
  }

  private Path marker(JobRun run) {
    return runnerDirOf(run.ref()).resolve("attempt-" + run.attempt() + ".started");
  }

  private Path runnerDirOf(JobRef ref) {
    return safeChild(safeChild(root.resolve(RUNNER_DIR), ref.buildId()), ref.jobKey());
  }

  /** Ids become directory names: anything that could climb out of the root is refused. */
  private static Path safeChild(Path parent, String name) {
    if (name == null
        || !SAFE_NAME.matcher(name).matches()
        || name.equals("..")
        || name.equals(".")) {
      throw new CiException(
          ErrorCode.INVALID_SPEC, "'" + name + "' is not usable as a directory name");
    }
    return parent.resolve(name);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            if (exc instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw exc;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
