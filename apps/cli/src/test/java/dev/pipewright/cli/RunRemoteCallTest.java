package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.actions.BareRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pipewright run} fetches a called workflow ({@code owner/repo/.github/workflows/x.yml@ref})
 * from {@code PIPEWRIGHT_ACTIONS_URL}, as a worker does: here a directory of bare repositories made
 * by the test, so the network is never used (it went to github.com whatever the setting said).
 */
class RunRemoteCallTest {
  @TempDir Path dir;

  @Test
  void aRemoteCalledWorkflowComesFromTheConfiguredActionsUrl() throws Exception {
    Path remote = dir.resolve("remote");
    BareRepos.commit(
        remote,
        "acme/lib",
        Map.of(
            ".github/workflows/greet.yml",
            """
            on:
              workflow_call:
                inputs:
                  who: {type: string, required: true}
            jobs:
              greet:
                runs-on: local
                steps:
                  - run: echo "hello ${{ inputs.who }} from acme/lib"
            """),
        "v1");
    Path repo = dir.resolve("repo");
    Files.createDirectories(repo);
    Path caller =
        Files.writeString(
            repo.resolve("ci.yml"),
            """
            on: push
            jobs:
              call:
                uses: acme/lib/.github/workflows/greet.yml@v1
                with: {who: run}
            """);

    Map<String, String> env =
        Map.of("PIPEWRIGHT_ACTIONS_URL", remote.toUri().toString(), "NO_COLOR", "1");
    String[] args = {
      "run", "--workspace=" + dir.resolve("ws"), "--repo=" + repo, caller.toString()
    };

    CliRun r = CliRun.of(env, args);

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("hello run from acme/lib", "job call / greet: succeeded");
  }
}
