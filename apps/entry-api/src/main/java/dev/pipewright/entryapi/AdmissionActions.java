package dev.pipewright.entryapi;

import dev.pipewright.actions.ActionResolver;
import dev.pipewright.actions.ActionSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What admission reads remote actions' manifests with: the workers' sources ({@code actions.*}),
 * git's repositories in a directory of this process's own (a commit fetched once is not fetched
 * again while it runs), removed when the entry API stops. Only the manifest is read at its commit,
 * never the action's tree.
 */
final class AdmissionActions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionActions.class);

  /**
   * How long one git command of admission may take: a StartPipelineBuild call waits for it, and a
   * fetch that does not end in time only leaves the action a warning.
   */
  static final Duration FETCH_TIMEOUT = Duration.ofSeconds(20);

  private final Path dir;
  private final ActionResolver resolver;

  private AdmissionActions(Path dir, ActionResolver resolver) {
    this.dir = dir;
    this.resolver = resolver;
  }

  /** Reads nothing when {@code sources} is null. */
  static AdmissionActions open(ActionSources sources) throws IOException {
    if (sources == null) {
      return new AdmissionActions(null, null);
    }
    Path dir = Files.createTempDirectory("pipewright-admission-");
    return new AdmissionActions(dir, ActionResolver.onDisk(sources, dir, FETCH_TIMEOUT));
  }

  /** The resolver, or null when no source is configured. */
  ActionResolver resolver() {
    return resolver;
  }

  @Override
  public void close() {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", dir, e.toString());
    }
  }
}
