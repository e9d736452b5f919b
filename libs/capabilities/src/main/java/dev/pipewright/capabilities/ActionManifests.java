package dev.pipewright.capabilities;

import dev.pipewright.parser.spec.ActionRef;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@link Capabilities} reads the manifests ({@code action.yml}) of the actions a workflow
 * uses, so that an action's kind is known before it runs: {@code pipewright lint} reads local
 * actions from the checkout it runs on and remote ones from the configured sources, admission
 * remote ones only. Implementations do the I/O; the checks stay pure.
 */
@FunctionalInterface
public interface ActionManifests {

  /** What reading one action's manifest gave. */
  sealed interface Manifest {}

  /**
   * The manifest's text.
   *
   * @param label the manifest as diagnostics name it ({@code acme/tool@v1/action.yml})
   */
  record Found(String text, String label) implements Manifest {}

  /** The action has no manifest where it must be: it cannot run (an error). */
  record Missing(String reason) implements Manifest {}

  /**
   * The manifest could not be read (no source, a failed fetch): its kind is unknown (a warning).
   */
  record Unread(String reason) implements Manifest {}

  /** The manifest of a local ({@code ./path}) or remote ({@code owner/repo[/path]@ref}) action. */
  Manifest read(ActionRef ref);

  /** Reads nothing: every action's kind is known only when its step runs. */
  static ActionManifests unread(String reason) {
    return ref -> new Unread(reason);
  }

  /**
   * {@code manifests}, each reference read once however many steps use it (a tag read twice could
   * name two commits, and a fetch is what costs).
   */
  static ActionManifests once(ActionManifests manifests) {
    Map<String, Manifest> read = new ConcurrentHashMap<>();
    return ref -> read.computeIfAbsent(ref.text(), t -> manifests.read(ref));
  }
}
