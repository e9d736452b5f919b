package dev.pipewright.actions;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * {@link RepositoryFiles} with the {@code git} program and a cache on the worker's disk: one bare
 * repository per URL under {@code cache}, holding every commit fetched from it. A commit SHA
 * already there is never fetched again; a branch or tag is fetched ({@code git fetch --depth 1
 * <url> <rev>}) each time it is asked for, since it moves. Reads of one URL are serialised within
 * the process. Called workflows are read through it, and remote actions are fetched with it ({@link
 * ActionResolver}).
 */
public final class GitRepositoryFiles implements RepositoryFiles {
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

  private final Path cache;
  private final Duration timeout;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final AtomicLong fetches = new AtomicLong();

  public GitRepositoryFiles(Path cache, Duration timeout) {
    this.cache = cache;
    this.timeout = timeout;
  }

  /** How many {@code git fetch} commands this instance ran: what the cache spares. */
  public long fetches() {
    return fetches.get();
  }

  @Override
  public String read(String url, String revision, String path) {
    Path repo = repository(url);
    synchronized (lock(repo)) {
      try {
        String commit = commitOf(repo, url, revision);
        Result shown = git(repo, "show", commit + ":" + path);
        if (!shown.ok()) {
          throw new CiException(
              ErrorCode.NOT_FOUND, "no file " + path + " at " + commit + " of " + url);
        }
        return shown.out();
      } catch (IOException e) {
        throw new CiException(
            ErrorCode.TRANSIENT, "reading " + path + "@" + revision + " of " + url + ": " + e, e);
      }
    }
  }

  /**
   * The commit {@code revision} names in {@code url}, fetched into the cache unless it is a SHA
   * already there.
   *
   * @throws CiException TRANSIENT when it could not be fetched
   */
  public String commit(String url, String revision) {
    Path repo = repository(url);
    synchronized (lock(repo)) {
      try {
        return commitOf(repo, url, revision);
      } catch (IOException e) {
        throw new CiException(
            ErrorCode.TRANSIENT, "fetching " + revision + " of " + url + ": " + e, e);
      }
    }
  }

  /**
   * Writes the tree of {@code commit} (fetched by {@link #commit}) into the empty directory {@code
   * target}, file modes kept ({@code git archive} through {@code tar}).
   */
  public void export(String url, String commit, Path target) throws IOException {
    Path repo = repository(url);
    Path tar = Files.createTempFile(cache, "export", ".tar");
    try {
      synchronized (lock(repo)) {
        check(git(repo, "archive", "--format=tar", "-o", tar.toString(), commit), url, commit);
      }
      Result extracted = run(target, List.of("tar", "-xf", tar.toString()));
      if (!extracted.ok()) {
        throw new IOException("tar -xf of " + commit + " of " + url + ": " + extracted.reason());
      }
    } finally {
      Files.deleteIfExists(tar);
    }
  }

  private Path repository(String url) {
    return cache.resolve(sha256(url).substring(0, 24) + ".git");
  }

  private Object lock(Path repo) {
    return locks.computeIfAbsent(repo.toString(), k -> new Object());
  }

  private String commitOf(Path repo, String url, String revision) throws IOException {
    if (!Files.isDirectory(repo)) {
      Files.createDirectories(cache);
      Path fresh = Files.createTempDirectory(cache, "init");
      check(git(fresh, "init", "--quiet", "--bare", "."), url, revision);
      try {
        Files.move(fresh, repo);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        // Another process sharing the cache made it first; it is as good.
        try (var left = Files.walk(fresh)) {
          for (Path p : left.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
    return SHA.matcher(revision).matches()
            && git(repo, "cat-file", "-e", revision + "^{commit}").ok()
        ? revision
        : fetch(repo, url, revision);
  }

  /** Fetches {@code revision} and keeps its commit under a ref of its own; returns its SHA. */
  private String fetch(Path repo, String url, String revision) throws IOException {
    fetches.incrementAndGet();
    check(git(repo, "fetch", "--quiet", "--depth", "1", "--no-tags", url, revision), url, revision);
    Result head = git(repo, "rev-parse", "FETCH_HEAD");
    check(head, url, revision);
    String commit = head.out().strip();
    // A ref keeps the commit from git's garbage collection of unreachable objects.
    check(git(repo, "update-ref", "refs/pipewright/" + commit, commit), url, revision);
    return commit;
  }

  private static void check(Result result, String url, String revision) {
    if (!result.ok()) {
      throw new CiException(
          ErrorCode.TRANSIENT,
          "fetching " + revision + " of " + url + " failed: " + result.reason());
    }
  }

  private record Result(int exit, String out, String err) {
    boolean ok() {
      return exit == 0;
    }

    String reason() {
      String text = err.isBlank() ? out : err;
      for (String line : text.strip().split("\n")) {
        if (line.startsWith("fatal: ")) {
          return line.substring("fatal: ".length()).strip();
        }
      }
      return text.strip();
    }
  }

  private Result git(Path dir, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    return run(dir, command);
  }

  private Result run(Path dir, List<String> command) throws IOException {
    // Output goes to files, so a git that hangs cannot hold a reader past the timeout.
    Path out = Files.createTempFile("pipewright-git", ".out");
    Path err = Files.createTempFile("pipewright-git", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(new File("/dev/null"))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().put("GIT_TERMINAL_PROMPT", "0");
    builder.environment().put("LC_ALL", "C");
    try {
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        return new Result(
            -1, "", command.get(0) + " " + command.get(1) + " timed out after " + timeout);
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(
          "interrupted while running " + command.get(0) + " " + command.get(1), e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
