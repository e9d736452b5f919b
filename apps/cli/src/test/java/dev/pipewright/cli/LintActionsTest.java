package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.actions.BareRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, "no silent success": {@code lint} judges actions by their manifests, local ones from
 * the file's checkout, remote ones from an offline directory of bare repositories made here (its
 * URL leads nowhere: the network is never used). Kinds as actions/runner's ActionManifestManager
 * reads {@code runs.using}; a Docker action's {@code image} is a Dockerfile or a {@code docker://}
 * image (GitHub's "Metadata syntax for GitHub Actions").
 */
class LintActionsTest {
  private static final String COMPOSITE =
      "runs:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n";

  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  private Path workflow() throws Exception {
    write(".github/actions/setup/action.yml", COMPOSITE);
    write(".github/actions/built/action.yml", "runs:\n  using: docker\n  image: Dockerfile\n");
    return write(
        ".github/workflows/ci.yml",
        """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: ./.github/actions/setup
              - uses: ./.github/actions/built
              - uses: ./.github/actions/gone
              - uses: acme/js@v1
              - uses: acme/image@v1
              - name: odd
                uses: acme/odd@v1
              - uses: acme/absent@v1
              - uses: acme/js@v1
        """);
  }

  private Map<String, String> sources() throws Exception {
    Path offline = dir.resolve("offline");
    BareRepos.commit(
        offline, "acme/js", Map.of("action.yml", "runs: {using: node20, main: i.js}\n"), "v1");
    BareRepos.commit(
        offline,
        "acme/image",
        Map.of("action.yml", "runs: {using: docker, image: 'docker://alpine:3.20'}\n"),
        "v1");
    BareRepos.commit(offline, "acme/odd", Map.of("action.yml", "runs:\n  using: java21\n"), "v1");
    return Map.of(
        "PIPEWRIGHT_ACTIONS_OFFLINE_DIR",
        offline.toString(),
        "PIPEWRIGHT_ACTIONS_URL",
        dir.resolve("nowhere").toUri().toString());
  }

  @Test
  void actionsTheExecutorCannotRunAreErrorsAtTheirUsesKey() throws Exception {
    Path ci = workflow();
    Map<String, String> env = sources();

    CliRun run = CliRun.of(env, "lint", "--executor", "kubernetes", ci.toString());

    assertThat(run.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err().lines())
        .containsExactly(
            ci
                + ":7:9: error: step 2 of job 'build' uses the local action"
                + " './.github/actions/built': it is a Docker action built from 'Dockerfile', which"
                + " is refused until an image builder exists",
            "  hint: publish the image and point 'runs.image' at it as 'docker://…'",
            ci
                + ":8:9: error: step 3 of job 'build' uses the local action"
                + " './.github/actions/gone': there is no 'action.yml' or 'action.yaml' under '"
                + dir.toRealPath().resolve(".github/actions/gone")
                + "' in the checkout",
            ci
                + ":12:9: error: step 6 of job 'build' uses the action 'acme/odd@v1': its manifest"
                + " is invalid: acme/odd@v1/action.yml:2:10: error: unknown 'runs.using' value"
                + " 'java21'",
            ci
                + ":13:9: warning: step 7 of job 'build' uses the action 'acme/absent@v1': its"
                + " manifest was not read (could not fetch the action acme/absent@v1: fetching v1"
                + " of "
                + dir.resolve("nowhere").toUri().toString().replaceAll("/$", "")
                + "/acme/absent failed: '"
                + dir.resolve("nowhere/acme/absent")
                + "' does not appear to be a git repository), so whether this executor can run"
                + " it is known only when the step runs");
  }

  @Test
  void withNoSourceConfiguredRemoteActionsAreWarningsAndTheFileIsOk() throws Exception {
    write(".github/actions/setup/action.yml", COMPOSITE);
    Path ci =
        write(
            ".github/workflows/ok.yml",
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                + "      - uses: ./.github/actions/setup\n      - uses: acme/js@v1\n");

    CliRun run = CliRun.of(Map.of(), "lint", "--executor", "kubernetes", ci.toString());

    assertThat(run.exit()).isEqualTo(ExitCodes.OK);
    assertThat(run.err())
        .isEqualTo(
            ci
                + ":7:9: warning: step 2 of job 'build' uses the action 'acme/js@v1': its"
                + " manifest was not read (no source of remote actions is configured: set"
                + " PIPEWRIGHT_ACTIONS_URL (e.g. https://github.com) or"
                + " PIPEWRIGHT_ACTIONS_OFFLINE_DIR), so whether this executor can run it is known"
                + " only when the step runs\n"
                + ci
                + ": ok\n");
  }
}
