package dev.pipewright.cli;

import dev.pipewright.actions.ActionResolver;
import dev.pipewright.actions.ManifestReader;
import dev.pipewright.capabilities.ActionManifests;
import dev.pipewright.ops.config.ConfigLoader;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.pipeline.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where {@code lint} reads the manifests of the actions a workflow uses: local actions from the
 * file's checkout, remote ones from the sources of remote actions ({@code PIPEWRIGHT_ACTIONS_URL},
 * {@code _MIRRORS}, {@code _OFFLINE_DIR}, as a worker fetches them) when one of them is set. Unset,
 * lint fetches nothing: each remote action is a warning saying so. Each reference is read once per
 * invocation, whatever the files using it.
 */
final class LintActions {
  /** The variables that configure a source; any of them set makes lint fetch remote actions. */
  static final List<String> SOURCES =
      List.of(
          "PIPEWRIGHT_ACTIONS_URL", "PIPEWRIGHT_ACTIONS_MIRRORS", "PIPEWRIGHT_ACTIONS_OFFLINE_DIR");

  private static final String NO_SOURCE =
      "no source of remote actions is configured: set PIPEWRIGHT_ACTIONS_URL (e.g."
          + " https://github.com) or PIPEWRIGHT_ACTIONS_OFFLINE_DIR";

  private final String url;
  private final ActionResolver resolver;
  private final Map<Path, ActionManifests> byCheckout = new HashMap<>();

  private LintActions(String url, ActionResolver resolver) {
    this.url = url;
    this.resolver = resolver;
  }

  /**
   * @throws dev.pipewright.ops.config.ConfigException when a variable of the actions is invalid
   */
  static LintActions of(Map<String, String> env) {
    PipewrightConfig.Actions config = ConfigLoader.fromEnvironment(env).actions();
    boolean configured = SOURCES.stream().map(env::get).anyMatch(v -> v != null && !v.isBlank());
    ActionResolver resolver =
        configured
            ? ActionResolver.onDisk(
                WorkerConfig.actionSources(config),
                Path.of(System.getProperty("java.io.tmpdir"), "pipewright", "lint-actions"),
                Duration.ofMinutes(2))
            : null;
    return new LintActions(config.url(), resolver);
  }

  /** The configured actions URL (GitHub by default): where called workflows are fetched. */
  String url() {
    return url;
  }

  /** The manifests of the actions of a file in {@code checkout}. */
  ActionManifests manifests(Path checkout) {
    return byCheckout.computeIfAbsent(
        checkout.toAbsolutePath().normalize(),
        c -> ActionManifests.once(new ManifestReader(c, null, resolver, NO_SOURCE)));
  }
}
