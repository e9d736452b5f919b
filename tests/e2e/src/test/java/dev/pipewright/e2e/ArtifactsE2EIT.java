package dev.pipewright.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.entryapi.NodeClients;
import dev.pipewright.secrets.SecretKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jobs reach the artifact service with what the worker gives them, as the official actions do on
 * GitHub (actions/runner JobRunner.cs puts ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL in every
 * job): a {@code run:} step of one job uploads with the real {@code @actions/artifact} from npm, a
 * dependent job downloads it; another build's job finds nothing and its token is refused for the
 * first build's artifacts. Entry API and worker share the secret key file; the worker points jobs
 * at the entry API's HTTP side ({@code PIPEWRIGHT_RESULTS_URL}).
 */
class ArtifactsE2EIT {
  private static Path dir;
  private static Installation pw;
  private static Path nodeModules;

  @BeforeAll
  static void start() throws Exception {
    nodeModules = NodeClients.install(NodeClients.ARTIFACT_PACKAGE, "artifact-client");
    dir = Files.createTempDirectory("pw-e2e-artifacts-");
    Path keyFile = Files.writeString(dir.resolve("secret.key"), SecretKeys.newKeyLine("k1"));
    pw = new Installation("artifacts", keyFile);
    pw.startWorker(
        pw.workerConfig(
            "artifacts-worker",
            Map.of(
                "PIPEWRIGHT_WORKER_TICK",
                "100ms",
                "PIPEWRIGHT_RESULTS_URL",
                "http://127.0.0.1:" + pw.httpPort())));
  }

  @AfterAll
  static void stop() throws Exception {
    if (pw != null) {
      pw.close();
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }

  private static final String UPLOAD_THEN_DOWNLOAD =
      """
      on: push
      env:
        NODE_PATH: %s
      jobs:
        produce:
          runs-on: ubuntu-latest
          steps:
            - run: |
                echo "token is $ACTIONS_RUNTIME_TOKEN"
                mkdir -p dist && echo "made by produce" > dist/greeting.txt
                node -e '
                  const { DefaultArtifactClient } = require("@actions/artifact");
                  new DefaultArtifactClient()
                    .uploadArtifact("greeting", ["dist/greeting.txt"], "dist")
                    .then(r => console.log("uploaded " + r.size + " bytes"),
                          e => { console.error(e.message); process.exit(1); });
                '
                rm -r dist
        consume:
          needs: produce
          runs-on: ubuntu-latest
          steps:
            - run: |
                node -e '
                  const { DefaultArtifactClient } = require("@actions/artifact");
                  const client = new DefaultArtifactClient();
                  client.getArtifact("greeting")
                    .then(({ artifact }) => client.downloadArtifact(artifact.id, { path: "received" }))
                    .then(() => console.log("downloaded"),
                          e => { console.error(e.message); process.exit(1); });
                '
                echo "received: $(cat received/greeting.txt)"
      """;

  /** Looks for the first build's artifact with its own token, then asks for it by build id. */
  private static final String SNOOP =
      """
      on: push
      env:
        NODE_PATH: %s
      jobs:
        snoop:
          runs-on: ubuntu-latest
          steps:
            - run: |
                node -e '
                  const { DefaultArtifactClient } = require("@actions/artifact");
                  new DefaultArtifactClient().getArtifact("greeting")
                    .then(() => console.log("found greeting"),
                          e => console.log("own build: " + e.message));
                '
                code=$(curl -s -o /dev/null -w '%%{http_code}' \\
                  -H "Authorization: Bearer $ACTIONS_RUNTIME_TOKEN" \\
                  -H 'Content-Type: application/json' \\
                  -d '{"workflow_run_backend_id":"%s","workflow_job_run_backend_id":"x"}' \\
                  "${ACTIONS_RESULTS_URL}twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts")
                echo "other build: $code"
      """;

  @Test
  void aJobUploadsWithItsRuntimeTokenAndADependentJobDownloads() {
    String a = pw.start(UPLOAD_THEN_DOWNLOAD.formatted(nodeModules));
    Build built = pw.awaitEnd(a, Duration.ofMinutes(3));
    String produce = pw.logText(a, "produce");
    assertThat(built.getStatus())
        .as(produce + pw.logText(a, "consume"))
        .isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    // The token is there, and masked like a secret.
    assertThat(produce).contains("token is ***").contains("uploaded ");
    assertThat(pw.logText(a, "consume"))
        .contains("downloaded")
        .contains("received: made by produce");

    String b = pw.start(SNOOP.formatted(nodeModules, a));
    Build snooped = pw.awaitEnd(b, Duration.ofMinutes(3));
    String snoop = pw.logText(b, "snoop");
    assertThat(snooped.getStatus()).as(snoop).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    assertThat(snoop).contains("own build: ").doesNotContain("found greeting");
    assertThat(snoop).contains("other build: 403");
  }
}
