package dev.pipewright.executor.host.container;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The podman command line: the daemonless engine the container host drives, found on the worker's
 * PATH. Every call is a child process of the worker with the worker's own environment (podman reads
 * its configuration from it), its stdin empty.
 */
final class Podman {
  private final Path executable;

  Podman(Path executable) {
    this.executable = executable;
  }

  /** podman on {@code path} (the worker's PATH), or empty when it is not installed. */
  static Optional<Podman> onPath(String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "podman");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(new Podman(candidate));
      }
    }
    return Optional.empty();
  }

  Path executable() {
    return executable;
  }

  /** What a finished podman call printed and returned. */
  record Result(int exitCode, String stdout, String stderr) {
    /** stderr's last non-blank line: podman's one-line reason ("Error: ..."). */
    String reason() {
      String[] lines = stderr.strip().split("\n");
      String last = lines[lines.length - 1].strip();
      return last.isEmpty() ? "exit code " + exitCode : last;
    }
  }

  /**
   * Runs {@code podman args...} to its end, or kills it after {@code timeout}.
   *
   * @throws IOException when podman cannot be started or did not end in time
   */
  Result run(Duration timeout, List<String> args) throws IOException {
    Process p = builder(args).start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread errReader =
        Thread.ofVirtual().name("podman-stderr").start(() -> copy(p.getErrorStream(), err));
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException("podman " + args.getFirst() + " did not end within " + timeout);
      }
      errReader.join(timeout);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while podman " + args.getFirst() + " ran", e);
    }
    return new Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** podman ran and refused: its exit code was not 0. */
  static final class Failure extends IOException {
    private final String reason;

    Failure(String command, Result result) {
      super("podman " + command + " failed: " + result.reason());
      this.reason = result.reason();
    }

    /** podman's own words. */
    String reason() {
      return reason;
    }
  }

  /**
   * {@link #run}, returning stdout.
   *
   * @throws Failure unless podman exits 0
   */
  String check(Duration timeout, List<String> args) throws IOException {
    Result r = run(timeout, args);
    if (r.exitCode() != 0) {
      throw new Failure(args.getFirst(), r);
    }
    return r.stdout();
  }

  /** A process builder for {@code podman args...}; the caller starts it and owns its streams. */
  ProcessBuilder builder(List<String> args) {
    List<String> argv = new ArrayList<>(args.size() + 1);
    argv.add(executable.toString());
    argv.addAll(args);
    return new ProcessBuilder(argv)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      // The stream ends with the process; what was read is what there is.
    }
  }
}
