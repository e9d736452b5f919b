package dev.pipewright.executor.host.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's directories of one job bind-mounted into its container, and the translation of a
 * path as the container sees it to the worker file it names.
 *
 * <p>Translation follows symbolic links as the container would: an absolute link target is a path
 * in the container, not on the worker. A step can plant links in the job's directories, so a path
 * whose resolution leaves the mounts is refused; the worker, running as root, would otherwise read
 * or overwrite its own files for the step ({@code GITHUB_OUTPUT -> /etc/shadow}).
 */
final class JobMounts {
  private static final int MAX_LINKS = 40;

  /** Container directory → worker directory, the longest container directory first. */
  private final Map<String, Path> mounts = new LinkedHashMap<>();

  /**
   * @param mounts container directory (absolute, normalized) → the worker directory mounted there
   */
  JobMounts(Map<String, Path> mounts) {
    mounts.entrySet().stream()
        .sorted((a, b) -> b.getKey().length() - a.getKey().length())
        .forEach(e -> this.mounts.put(e.getKey(), e.getValue().toAbsolutePath().normalize()));
  }

  /**
   * These mounts over the container's whole root file system, seen at {@code rootfs} on the worker:
   * for looking at the image's files (executables), never for writing.
   */
  JobMounts overRoot(Path rootfs) {
    Map<String, Path> all = new LinkedHashMap<>(mounts);
    all.put("/", rootfs);
    return new JobMounts(all);
  }

  /**
   * {@code --volume worker:container} for each mount; with {@code chown}, podman first gives the
   * worker's directories to the container's user ({@code :U}), who must write the job's files.
   */
  List<String> podmanArguments(boolean chown) {
    List<String> args = new ArrayList<>();
    mounts.forEach(
        (container, worker) ->
            args.addAll(List.of("--volume", worker + ":" + container + (chown ? ":U" : ""))));
    return args;
  }

  /**
   * Gives {@code file} and the directories above it, up to its mount, the owner of that mount: what
   * the worker creates belongs to the container's user like the rest of the job's files.
   */
  void adopt(Path file) throws IOException {
    Path f = file.toAbsolutePath().normalize();
    for (Path root : mounts.values()) {
      if (!f.startsWith(root) || f.equals(root)) {
        continue;
      }
      PosixFileAttributes owner = Files.readAttributes(root, PosixFileAttributes.class);
      for (Path p = f; !p.equals(root); p = p.getParent()) {
        PosixFileAttributeView view =
            Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes now = view.readAttributes();
        if (now.owner().equals(owner.owner()) && now.group().equals(owner.group())) {
          return;
        }
        view.setOwner(owner.owner());
        view.setGroup(owner.group());
      }
      return;
    }
  }

  Map<String, Path> mounts() {
    return mounts;
  }

  /** The container path of a worker path inside one of the mounts. */
  String toContainer(Path worker) {
    Path w = worker.toAbsolutePath().normalize();
    for (Map.Entry<String, Path> m : mounts.entrySet()) {
      if (w.startsWith(m.getValue())) {
        Path rest = m.getValue().relativize(w);
        return rest.toString().isEmpty() ? m.getKey() : m.getKey() + "/" + rest;
      }
    }
    throw new IllegalArgumentException(
        worker + " is not in a directory mounted into the container");
  }

  /** Whether {@code containerPath}, taken literally, is at or below one of the mounts. */
  boolean contains(String containerPath) {
    return worker(Path.of(containerPath).normalize().toString()) != null;
  }

  /**
   * The worker file that {@code containerPath} names, symbolic links followed the container's way
   * (the last one only when {@code followLast}); the file need not exist.
   *
   * @throws IOException when the path, or a link on the way, leads outside the mounts
   */
  Path resolve(String containerPath, boolean followLast) throws IOException {
    Deque<String> todo = new ArrayDeque<>(components(containerPath));
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!done.isEmpty()) {
          done.removeLast();
        }
        continue;
      }
      done.add(c);
      if (todo.isEmpty() && !followLast) {
        break;
      }
      Optional<Path> worker = below(done);
      if (worker.isPresent() && Files.isSymbolicLink(worker.get())) {
        if (++links > MAX_LINKS) {
          throw new IOException(containerPath + ": too many levels of symbolic links");
        }
        String target = Files.readSymbolicLink(worker.get()).toString();
        done.removeLast();
        if (target.startsWith("/")) {
          done.clear();
        }
        List<String> parts = components(target);
        for (int i = parts.size() - 1; i >= 0; i--) {
          todo.addFirst(parts.get(i));
        }
      }
    }
    String path = "/" + String.join("/", done);
    Path mounted = worker(path);
    if (mounted == null) {
      throw new IOException(containerPath + " is outside the job's directories (" + path + ")");
    }
    return mounted;
  }

  /** The worker path of a container path at or below a mount, or null. */
  private Path worker(String containerPath) {
    for (Map.Entry<String, Path> m : mounts.entrySet()) {
      String dir = m.getKey();
      String prefix = dir.equals("/") ? dir : dir + "/";
      if (containerPath.equals(dir)) {
        return m.getValue();
      }
      if (containerPath.startsWith(prefix)) {
        return m.getValue().resolve(containerPath.substring(prefix.length()));
      }
    }
    return null;
  }

  /**
   * The worker path of a container path strictly below a mount: the mount points themselves are
   * directories the worker made, and paths above them are the image's.
   */
  private Optional<Path> below(List<String> components) {
    String path = "/" + String.join("/", components);
    if (mounts.containsKey(path)) {
      return Optional.empty();
    }
    return Optional.ofNullable(worker(path));
  }

  private static List<String> components(String path) {
    return Arrays.asList(path.split("/"));
  }
}
