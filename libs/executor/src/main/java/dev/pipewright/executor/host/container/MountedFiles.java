package dev.pipewright.executor.host.container;

import dev.pipewright.executor.host.FileModes;
import dev.pipewright.executor.host.JobFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A job's files read and written by the worker through the directories bind-mounted into the
 * container: no round trip into the container. Paths are the container's ({@link JobMounts}); files
 * are opened without following a final link, which {@link JobMounts#resolve} has already followed
 * and confined.
 */
final class MountedFiles implements JobFiles {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /** Asks the container about a path outside the mounts. */
  interface ContainerProbe {
    boolean isDirectory(String path) throws IOException;
  }

  private final JobMounts mounts;
  private final ContainerProbe probe;

  MountedFiles(JobMounts mounts, ContainerProbe probe) {
    this.mounts = mounts;
    this.probe = probe;
  }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    try (InputStream in = Files.newInputStream(mounts.resolve(path, true), NOFOLLOW)) {
      return Optional.of(in.readAllBytes());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void write(String path, byte[] content) throws IOException {
    Path file = mounts.resolve(path, true);
    Files.write(
        file,
        content,
        NOFOLLOW,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    mounts.adopt(file);
  }

  @Override
  public void makeExecutable(String path) throws IOException {
    Path file = mounts.resolve(path, true);
    if (Files.isSymbolicLink(file)) {
      throw new IOException(path + " is a symbolic link");
    }
    FileModes.makeExecutable(file);
  }

  @Override
  public void delete(String path) throws IOException {
    Files.deleteIfExists(mounts.resolve(path, false));
  }

  @Override
  public void createDirectories(String path) throws IOException {
    Path dir = mounts.resolve(path, true);
    Files.createDirectories(dir);
    mounts.adopt(dir);
  }

  @Override
  public boolean isDirectory(String path) throws IOException {
    if (!mounts.contains(path)) {
      return probe.isDirectory(path);
    }
    return Files.isDirectory(mounts.resolve(path, true), NOFOLLOW);
  }

  /**
   * Walks {@code dir} following links the container's way; a link that leads outside the job's
   * directories, or into a directory already being walked, is left out.
   */
  @Override
  public List<String> listFiles(String dir) throws IOException {
    Path root = mounts.resolve(dir, true);
    List<String> files = new ArrayList<>();
    if (Files.isDirectory(root, NOFOLLOW)) {
      walk(dir, root, "", files, new HashSet<>());
    }
    files.sort(null);
    return files;
  }

  private void walk(String containerDir, Path dir, String prefix, List<String> out, Set<Path> open)
      throws IOException {
    if (!open.add(dir.toRealPath())) {
      return;
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      children.forEach(entries::add);
    }
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      Path target = entry;
      if (Files.isSymbolicLink(entry)) {
        try {
          target = mounts.resolve(containerDir + "/" + name, true);
        } catch (IOException outside) {
          continue;
        }
      }
      if (Files.isRegularFile(target, NOFOLLOW)) {
        out.add(prefix + name);
      } else if (Files.isDirectory(target, NOFOLLOW)) {
        walk(containerDir + "/" + name, target, prefix + name + "/", out, open);
      }
    }
    open.remove(dir.toRealPath());
  }

  @Override
  public InputStream open(String path) throws IOException {
    return Files.newInputStream(mounts.resolve(path, true), NOFOLLOW);
  }
}
