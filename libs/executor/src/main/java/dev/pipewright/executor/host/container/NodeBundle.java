package dev.pipewright.executor.host.container;

import dev.pipewright.executor.host.ProvidedNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The executor's Node.js made to run in any Linux container of the worker's architecture, as
 * GitHub's runner mounts its {@code externals} at {@code /__e} in a job's container: the program
 * and the shared libraries it loads ({@code ldd}), its dynamic loader among them, in one directory
 * on the worker, mounted read-only at {@link #MOUNT}. It starts through that loader with {@code
 * --library-path}, so it needs nothing of the image (a busybox image has no C library at all). Made
 * once per program version, in the worker's temporary directory, and shared by its jobs.
 */
final class NodeBundle {
  /** Where a job's container sees it. */
  static final String MOUNT = "/__e/node";

  private static final Map<String, NodeBundle> MADE = new ConcurrentHashMap<>();

  private final Path directory;
  private final String loader;

  private NodeBundle(Path directory, String loader) {
    this.directory = directory;
    this.loader = loader;
  }

  /** The bundle of the worker's {@code node}, made the first time it is asked for. */
  static NodeBundle of(Path node) throws IOException {
    Path real = node.toRealPath();
    String key = real + "|" + Files.size(real) + "|" + Files.getLastModifiedTime(real).toMillis();
    NodeBundle made = MADE.get(key);
    if (made == null) {
      synchronized (MADE) {
        made = MADE.get(key);
        if (made == null) {
          made = make(real, key);
          MADE.put(key, made);
        }
      }
    }
    return made;
  }

  /** {@code --volume} for the job's container. */
  List<String> podmanArguments() {
    return List.of("--volume", directory + ":" + MOUNT + ":ro");
  }

  /** How a command in the container starts it. */
  ProvidedNode provided(String origin) {
    String program = MOUNT + "/bin/node";
    List<String> argv =
        loader == null
            ? List.of(program)
            : List.of(MOUNT + "/lib/" + loader, "--library-path", MOUNT + "/lib", program);
    return new ProvidedNode(argv, origin + ", mounted at " + MOUNT);
  }

  private static NodeBundle make(Path node, String key) throws IOException {
    Path root =
        Path.of(System.getProperty("java.io.tmpdir"), "pipewright-node", "node-" + sha256(key));
    List<Path> libraries = new ArrayList<>();
    String loader = null;
    for (String line : ldd(node)) {
      // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2
      // (0x...)"
      String[] words = line.strip().split("\\s+");
      if (words.length >= 3 && words[1].equals("=>") && words[2].startsWith("/")) {
        libraries.add(Path.of(words[2]));
      } else if (words.length >= 1 && words[0].startsWith("/")) {
        Path p = Path.of(words[0]);
        libraries.add(p);
        loader = p.getFileName().toString();
      }
    }
    if (Files.isDirectory(root)) {
      return new NodeBundle(root, loader);
    }
    Files.createDirectories(root.getParent());
    Path work = Files.createTempDirectory(root.getParent(), ".new");
    Files.createDirectories(work.resolve("bin"));
    Files.createDirectories(work.resolve("lib"));
    Files.copy(node, work.resolve("bin/node"), StandardCopyOption.COPY_ATTRIBUTES);
    for (Path lib : libraries) {
      Files.copy(
          lib.toRealPath(),
          work.resolve("lib").resolve(lib.getFileName().toString()),
          StandardCopyOption.COPY_ATTRIBUTES);
    }
    try {
      Files.move(work, root, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      // Another worker of this machine made it first: its copy is the same.
      deleteTree(work);
    } catch (IOException e) {
      if (!Files.isDirectory(root)) {
        throw e;
      }
      deleteTree(work);
    }
    return new NodeBundle(root, loader);
  }

  /** {@code ldd node}'s lines; none for a static program. */
  private static List<String> ldd(Path node) throws IOException {
    Process p = new ProcessBuilder("ldd", node.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("ldd " + node + " did not end");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running ldd " + node, e);
    }
    return p.exitValue() == 0 ? out.lines().toList() : List.of();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
