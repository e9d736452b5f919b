package dev.pipewright.actions;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.ActionRef;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote actions ({@code owner/repo[/path]@ref}) resolved to a commit and kept on the worker's disk
 * once per SHA, as GitHub's runner keeps {@code _work/_actions/<owner>/<repo>/<ref>}: {@code
 * <store>/<owner>/<repo>/<sha>/}. A build resolves each {@code owner/repo@ref} once, whatever its
 * jobs (a tag could move between two of its jobs otherwise, and the fetch is what costs); a SHA
 * already kept is never fetched again. Concurrent jobs never see a half-written action: each is
 * written to a temporary directory and renamed into place, the first rename winning.
 */
public final class ActionResolver {
  private static final Logger LOG = LoggerFactory.getLogger(ActionResolver.class);

  /**
   * A remote action at its commit.
   *
   * @param directory the repository's tree at {@code sha} on the worker
   */
  public record Resolved(ActionRef.Remote ref, String sha, Path directory) {
    /** The action's own directory: {@code directory}, or its {@code path} inside it. */
    public Path root() {
      return ref.path().isEmpty() ? directory : directory.resolve(ref.path());
    }
  }

  /**
   * An action's manifest read at its commit.
   *
   * @param name {@code action.yml} or {@code action.yaml}
   */
  public record Manifest(ActionRef.Remote ref, String sha, String name, String text) {}

  /** The names of a manifest, in the order actions/runner's ActionManager looks for them. */
  private static final List<String> MANIFESTS = List.of("action.yml", "action.yaml");

  private final ActionSources sources;
  private final GitRepositoryFiles git;
  private final Path store;
  private final Map<String, Map<String, Resolved>> builds = new ConcurrentHashMap<>();

  /**
   * @param git the fetching and its per-URL cache
   * @param store where resolved actions are kept, one directory per SHA
   */
  public ActionResolver(ActionSources sources, GitRepositoryFiles git, Path store) {
    this.sources = sources;
    this.git = git;
    this.store = store;
  }

  /**
   * A resolver keeping everything under {@code dir}: git's repositories in {@code git/}, the
   * resolved actions in {@code actions/}.
   */
  public static ActionResolver onDisk(ActionSources sources, Path dir, Duration timeout) {
    return new ActionResolver(
        sources, new GitRepositoryFiles(dir.resolve("git"), timeout), dir.resolve("actions"));
  }

  /** How many {@code git fetch} commands ran: what the caches spare. */
  public long fetches() {
    return git.fetches();
  }

  /**
   * The action {@code ref} names, for build {@code build}.
   *
   * @throws CiException TRANSIENT when no source gave it (each source's reason named), NOT_FOUND
   *     when its commit has no {@code path}
   */
  public Resolved resolve(String build, ActionRef.Remote ref) {
    String key = ref.repository() + "@" + ref.ref();
    Map<String, Resolved> resolved = builds.computeIfAbsent(build, b -> new ConcurrentHashMap<>());
    Resolved whole = resolved.computeIfAbsent(key, k -> fetch(ref));
    Resolved action = new Resolved(ref, whole.sha(), whole.directory());
    if (!Files.isDirectory(action.root())) {
      throw new CiException(
          ErrorCode.NOT_FOUND,
          "the action " + ref.text() + " has no directory '" + ref.path() + "' at " + whole.sha());
    }
    return action;
  }

  /**
   * The manifest of the action {@code ref} names, read from the first source that has its commit,
   * without keeping its tree: what {@code lint} and admission need to know its kind. Each call
   * looks a tag up again; callers read each reference once.
   *
   * @return empty when its commit has neither {@code action.yml} nor {@code action.yaml}
   * @throws CiException TRANSIENT when no source gave its commit (each source's reason named)
   */
  public Optional<Manifest> manifest(ActionRef.Remote ref) {
    List<String> failures = new ArrayList<>();
    String dir = ref.path().isEmpty() ? "" : ref.path() + "/";
    for (String url : sources.urls(ref.owner(), ref.repo())) {
      try {
        String sha = git.commit(url, ref.ref());
        for (String name : MANIFESTS) {
          try {
            return Optional.of(new Manifest(ref, sha, name, git.read(url, sha, dir + name)));
          } catch (CiException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
              throw e;
            }
          }
        }
        return Optional.empty();
      } catch (CiException e) {
        failures.add(e.getMessage());
      }
    }
    throw unfetched(ref, failures);
  }

  /** Forgets what build {@code build} resolved (its tags are looked up again by the next build). */
  public void release(String build) {
    builds.remove(build);
  }

  private Resolved fetch(ActionRef.Remote ref) {
    List<String> failures = new ArrayList<>();
    for (String url : sources.urls(ref.owner(), ref.repo())) {
      String sha;
      try {
        sha = git.commit(url, ref.ref());
      } catch (CiException e) {
        failures.add(e.getMessage());
        continue;
      }
      try {
        return new Resolved(ref, sha, keep(url, ref, sha));
      } catch (IOException e) {
        failures.add("writing " + ref.repository() + "@" + sha + ": " + e.getMessage());
      }
    }
    throw unfetched(ref, failures);
  }

  private static CiException unfetched(ActionRef.Remote ref, List<String> failures) {
    return new CiException(
        ErrorCode.TRANSIENT,
        "could not fetch the action "
            + ref.repository()
            + "@"
            + ref.ref()
            + ": "
            + String.join("; ", failures));
  }

  /** The tree of {@code sha}, written once: a temporary directory renamed into place. */
  private Path keep(String url, ActionRef.Remote ref, String sha) throws IOException {
    Path target = store.resolve(ref.owner()).resolve(ref.repo()).resolve(sha);
    if (Files.isDirectory(target)) {
      return target;
    }
    Files.createDirectories(target.getParent());
    Path fresh = Files.createTempDirectory(target.getParent(), sha + ".tmp");
    try {
      git.export(url, sha, fresh);
      Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
      LOG.info("action {}@{} kept at {} ({})", ref.repository(), ref.ref(), target, sha);
    } catch (FileSystemException e) {
      // rename(2) onto a non-empty directory fails: another job kept it first, the same tree.
      if (!Files.isDirectory(target)) {
        throw e;
      }
      LOG.debug("action {}@{} was kept by another job meanwhile", ref.repository(), sha);
    } finally {
      deleteTree(fresh);
    }
    return target;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
