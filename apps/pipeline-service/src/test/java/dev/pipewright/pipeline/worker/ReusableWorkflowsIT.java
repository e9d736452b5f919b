package dev.pipewright.pipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.pipeline.sources.ReusableFixture;
import dev.pipewright.secrets.SecretKeys;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import dev.pipewright.store.NewBuild;
import dev.pipewright.store.Variable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reusable workflows ({@code jobs.<id>.uses}) through the worker, PostgreSQL and RabbitMQ: the
 * called file is read with git from the build's repository at its commit, its jobs become jobs of
 * the build named {@code caller / job}, as GitHub's "Reusing workflows" shows them.
 */
class ReusableWorkflowsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path repos;
  private WorkerHarness harness;
  private Path key;

  @BeforeEach
  void setUp() throws Exception {
    harness = new WorkerHarness();
    key =
        Files.writeString(harness.workspaces.resolve("entry-api.key"), SecretKeys.newKeyLine("k1"));
    harness.start(harness.config("reusable").toBuilder().secretKeyFile(key).build());
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  /** A build of {@code yaml} at the commit of {@code repository}, its secrets sealed. */
  private UUID build(String yaml, RepositoryRef repository, Map<String, String> secrets) {
    Map<String, Variable> variables = new java.util.HashMap<>();
    secrets.forEach((name, value) -> variables.put(name, new Variable(value, true)));
    return harness.createBuild(
        new NewBuild(
            "it",
            yaml,
            ".github/workflows/ci.yml",
            repository.url(),
            repository.ref(),
            repository.sha(),
            variables,
            null),
        key);
  }

  private BuildView awaitEnd(UUID id) {
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> harness.build(id).status().terminal());
    return harness.build(id);
  }

  @Test
  void aReusableWorkflowCalledUnderAMatrixRunsItsJobsAndHandsItsOutputOn() throws Exception {
    RepositoryRef repository =
        ReusableFixture.repository(
            repos, Map.of(ReusableFixture.CALLED_PATH, ReusableFixture.CALLED));

    BuildView build = awaitEnd(build(ReusableFixture.CALLER, repository, ReusableFixture.SECRETS));

    assertThat(build.status()).as(build.errorMessage()).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(build.jobs()).extracting(JobView::key).containsExactly(ReusableFixture.KEYS);
    assertThat(build.jobs()).extracting(JobView::status).containsOnly(JobStatus.SUCCEEDED);
    assertThat(WorkerHarness.job(build, "call.2.check").name()).isEqualTo("call (mac) / check");
    assertThat(WorkerHarness.job(build, "call.1").outputs()).containsEntry("artifact", "linux.tar");
    assertThat(harness.logText(build.id()))
        .contains(ReusableFixture.EXPECTED)
        .doesNotContain("s3cr3t-value");
  }

  @Test
  void aCycleOfCallsFailsTheBuildNamingTheChain() throws Exception {
    RepositoryRef repository =
        ReusableFixture.repository(
            repos,
            Map.of(
                ".github/workflows/a.yml",
                "on: workflow_call\njobs:\n  again:\n    uses: ./.github/workflows/ci.yml\n"));
    String caller = "on: [push, workflow_call]\njobs:\n  a:\n    uses: ./.github/workflows/a.yml\n";

    BuildView build = awaitEnd(build(caller, repository, Map.of()));

    assertThat(build.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(build.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(build.errorMessage())
        .contains(
            ".github/workflows/a.yml:3:3: error: reusable workflows call each other in a cycle:"
                + " .github/workflows/ci.yml → .github/workflows/a.yml →"
                + " .github/workflows/ci.yml");
  }

  @Test
  void aCalledFileWithASyntaxErrorFailsTheBuildAtItsOwnPosition() throws Exception {
    RepositoryRef repository =
        ReusableFixture.repository(
            repos,
            Map.of(".github/workflows/broken.yml", "on: workflow_call\njobs:\n  a: [unclosed\n"));
    String caller = "on: push\njobs:\n  call:\n    uses: ./.github/workflows/broken.yml\n";

    BuildView build = awaitEnd(build(caller, repository, Map.of()));

    assertThat(build.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(build.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(build.errorMessage())
        .contains(".github/workflows/broken.yml:4:1: error: YAML syntax");
  }
}
