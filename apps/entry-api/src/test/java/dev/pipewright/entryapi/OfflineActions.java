package dev.pipewright.entryapi;

import dev.pipewright.actions.ActionSources;
import dev.pipewright.actions.BareRepos;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Remote actions for admission tests, in an offline directory of bare repositories under a test's
 * directory, tagged {@code v1}; the URL leads nowhere, so the network is never used: {@code
 * acme/built} (a Docker action built from a Dockerfile), {@code acme/js} (node20), {@code
 * acme/empty} (no manifest).
 */
final class OfflineActions {
  private OfflineActions() {}

  static ActionSources under(Path root) throws Exception {
    Path offline = root.resolve("offline");
    BareRepos.commit(
        offline,
        "acme/built",
        Map.of("action.yml", "runs: {using: docker, image: Dockerfile}\n"),
        "v1");
    BareRepos.commit(
        offline, "acme/js", Map.of("action.yml", "runs: {using: node20, main: i.js}\n"), "v1");
    BareRepos.commit(offline, "acme/empty", Map.of("README", "no manifest\n"), "v1");
    return new ActionSources(root.resolve("nowhere").toUri().toString(), List.of(), offline);
  }
}
