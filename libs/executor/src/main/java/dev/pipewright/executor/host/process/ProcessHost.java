package dev.pipewright.executor.host.process;

import dev.pipewright.executor.host.ExecutorNode;
import dev.pipewright.executor.host.HostCommand;
import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.JobFiles;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.ProvidedNode;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's processes on this machine: directories of its own under the factory's root, commands in
 * process groups of their own, files through the worker's file system. Its processes die with the
 * worker, so it cannot re-attach.
 */
final class ProcessHost implements JobHost, JobFiles {
  private static final Logger log = LoggerFactory.getLogger(ProcessHost.class);

  private final JobPaths paths;
  private final Path marker;
  private final List<Path> privateDirs;
  private final Map<String, String> baseEnvironment;
  private final ExecutorNode node;
  private final List<Long> processGroups = new ArrayList<>();

  /**
   * @param marker written by {@link #prepare}: how the factory tells a lost attempt
   * @param buildDirs the build's directories above the job's (created first)
   * @param baseEnvironment the worker's variables a command inherits
   * @param node the Node.js JavaScript actions run on
   */
  ProcessHost(
      JobPaths paths,
      Path marker,
      List<Path> buildDirs,
      Map<String, String> baseEnvironment,
      ExecutorNode node) {
    this.paths = paths;
    this.marker = marker;
    List<Path> dirs = new ArrayList<>(buildDirs);
    for (String dir :
        List.of(paths.workspace(), paths.runnerFiles(), paths.temp(), paths.toolCache())) {
      dirs.add(Path.of(dir));
    }
    this.privateDirs = List.copyOf(dirs);
    this.baseEnvironment = Map.copyOf(baseEnvironment);
    this.node = node;
  }

  @Override
  public String kind() {
    return "process";
  }

  @Override
  public JobPaths paths() {
    return paths;
  }

  /**
   * Creates the job's directories, and its build's, owner-only (0700): the process host runs every
   * build as the worker's user on one machine (single-tenant), so this keeps other users of the
   * machine out, not other builds of the same worker.
   */
  @Override
  public void prepare() throws IOException {
    for (Path dir : privateDirs) {
      OwnerOnly.directory(dir);
    }
    Files.writeString(marker, "");
    // Started before the first step, so watching a step's group is one write right after its
    // spawn, not a bash start a killed worker could beat.
    GroupSignals.SHARED.ready();
  }

  @Override
  public Map<String, String> baseEnvironment() {
    return baseEnvironment;
  }

  /** The executor's Node.js: what the setting names, else the node on the worker's PATH. */
  @Override
  public Optional<ProvidedNode> providedNode() {
    return node.find(baseEnvironment.get("PATH"))
        .map(p -> new ProvidedNode(List.of(p.toString()), node.origin()));
  }

  @Override
  public Optional<String> findExecutable(String name, String path, String dir) {
    return Executables.find(name, path, Path.of(dir)).map(Path::toString);
  }

  @Override
  public HostProcess start(HostCommand command, OutputReceiver output) throws IOException {
    // ProcessBuilder searches the worker's PATH, not the command's: resolve it here.
    String program = command.argv().getFirst();
    String resolved =
        findExecutable(program, command.env().get("PATH"), command.workingDirectory())
            .orElseThrow(
                () ->
                    new CiException(
                        ErrorCode.PERMANENT, "'" + program + "' was not found on PATH"));
    List<String> argv = new ArrayList<>(command.argv());
    argv.set(0, resolved);
    LocalProcess process =
        LocalProcess.start(
            command.id(), argv, Path.of(command.workingDirectory()), command.env(), output);
    synchronized (processGroups) {
      if (process.processGroup() > 0) {
        processGroups.add(process.processGroup());
        GroupSignals.SHARED.watch(process.processGroup());
      }
    }
    return process;
  }

  @Override
  public JobFiles files() {
    return this;
  }

  /** Background processes die with their job, as on GitHub's runner; the temp directory goes. */
  @Override
  public void release() {
    List<Long> groups;
    synchronized (processGroups) {
      groups = List.copyOf(processGroups);
    }
    for (long pgid : groups) {
      GroupSignals.SHARED.signal(pgid, "KILL");
    }
    try {
      ProcessHostFactory.deleteTree(Path.of(paths.temp()));
    } catch (IOException e) {
      log.warn("could not clean {}: {}", paths.temp(), e.toString());
    }
  }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(Path.of(path)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void write(String path, byte[] content) throws IOException {
    Files.write(Path.of(path), content);
  }

  @Override
  public void delete(String path) throws IOException {
    Files.deleteIfExists(Path.of(path));
  }

  @Override
  public void createDirectories(String path) throws IOException {
    Files.createDirectories(Path.of(path));
  }

  @Override
  public boolean isDirectory(String path) {
    return Files.isDirectory(Path.of(path));
  }

  @Override
  public List<String> listFiles(String dir) throws IOException {
    Path root = Path.of(dir);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public InputStream open(String path) throws IOException {
    return Files.newInputStream(Path.of(path));
  }
}
