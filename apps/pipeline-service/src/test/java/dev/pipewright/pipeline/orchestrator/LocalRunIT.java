package dev.pipewright.pipeline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.pipeline.reconcile.InstanceState;
import dev.pipewright.pipeline.sources.ReusableFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pipewright run FILE}: the orchestrator with the local runner and no server at all. */
class LocalRunIT {
  @TempDir Path workspaces;

  private static String text(InMemoryRunStore store, String buildId) {
    return store.logs(buildId).stream().map(LogChunk::content).collect(Collectors.joining());
  }

  @Test
  void runsAWorkflowWithADynamicMatrixLocally() {
    InMemoryRunStore store = new InMemoryRunStore();
    try (LocalJobRunner runner =
        new LocalJobRunner(LocalRunnerConfig.defaults(workspaces), store)) {
      LocalRun run = new LocalRun(store, runner, 4);

      LocalRun.Result result =
          run.run(
              new LocalRun.Request(
                  """
              on: push
              jobs:
                setup:
                  runs-on: local
                  outputs:
                    versions: ${{ steps.pick.outputs.versions }}
                  steps:
                    - id: pick
                      run: echo 'versions={"v":["17","21"]}' >> "$GITHUB_OUTPUT"
                test:
                  needs: setup
                  runs-on: local
                  strategy:
                    matrix: ${{ fromJSON(needs.setup.outputs.versions) }}
                  steps:
                    - run: echo "testing on ${{ matrix.v }} with $GREETING"
                      env:
                        GREETING: ${{ vars.GREETING }}
              """,
                  "ci.yml",
                  null,
                  Map.of("GREETING", "hello"),
                  Map.of()));

      assertThat(result.status()).isEqualTo(BuildStatus.SUCCEEDED);
      assertThat(result.jobs())
          .extracting(InstanceState::key)
          .containsExactly("setup", "test.1", "test.2");
      assertThat(text(store, result.buildId()))
          .contains("testing on 17 with hello", "testing on 21 with hello");
    }
  }

  /**
   * A JavaScript action's post step is a step of the job in the store, after its planned steps,
   * named "Post <step>" as GitHub lists it (ActionRunner.cs), with its own result.
   */
  @Test
  void aJavaScriptActionsPostStepIsAStepOfTheJobInTheStore() {
    InMemoryRunStore store = new InMemoryRunStore();
    try (LocalJobRunner runner =
        new LocalJobRunner(LocalRunnerConfig.defaults(workspaces), store)) {
      LocalRun.Result result =
          new LocalRun(store, runner, 4)
              .run(
                  new LocalRun.Request(
                      """
                      on: push
                      jobs:
                        test:
                          runs-on: local
                          steps:
                            - run: |
                                mkdir -p tiny
                                printf 'runs:\\n  using: node20\\n  main: m.js\\n  post: p.js\\n' > tiny/action.yml
                                echo 'console.log("main of tiny")' > tiny/m.js
                                echo 'console.log("post of tiny")' > tiny/p.js
                            - {name: tiny, uses: ./tiny}
                      """,
                      "ci.yml",
                      null,
                      Map.of(),
                      Map.of()));

      assertThat(result.status())
          .as(text(store, result.buildId()))
          .isEqualTo(BuildStatus.SUCCEEDED);
      assertThat(store.steps(result.buildId(), "test"))
          .extracting(
              InMemoryRunStore.StepRow::number,
              InMemoryRunStore.StepRow::name,
              InMemoryRunStore.StepRow::status)
          .containsExactly(
              tuple(1, "Run mkdir -p tiny", StepStatus.SUCCEEDED),
              tuple(2, "tiny", StepStatus.SUCCEEDED),
              tuple(3, "Post tiny", StepStatus.SUCCEEDED));
      assertThat(text(store, result.buildId())).contains("main of tiny", "post of tiny");
    }
  }

  @Test
  void runsAReusableWorkflowCalledUnderAMatrix(@TempDir Path repos) throws Exception {
    RepositoryRef repository =
        ReusableFixture.repository(
            repos, Map.of(ReusableFixture.CALLED_PATH, ReusableFixture.CALLED));
    InMemoryRunStore store = new InMemoryRunStore();
    try (LocalJobRunner runner =
        new LocalJobRunner(LocalRunnerConfig.defaults(workspaces), store)) {
      LocalRun run = new LocalRun(store, runner, 4, ReusableFixture.sources(repos));

      LocalRun.Result result =
          run.run(
              new LocalRun.Request(
                  ReusableFixture.CALLER,
                  ".github/workflows/ci.yml",
                  repository,
                  Map.of(),
                  ReusableFixture.SECRETS));

      assertThat(result.status()).isEqualTo(BuildStatus.SUCCEEDED);
      assertThat(result.jobs())
          .extracting(InstanceState::key)
          .containsExactly(ReusableFixture.KEYS);
      assertThat(result.jobs()).allMatch(j -> j.status() == JobStatus.SUCCEEDED);
      assertThat(text(store, result.buildId()))
          .contains(ReusableFixture.EXPECTED)
          .doesNotContain("s3cr3t-value");
    }
  }

  @Test
  void aCancelledRunStopsItsProcesses() {
    InMemoryRunStore store = new InMemoryRunStore();
    try (LocalJobRunner runner =
        new LocalJobRunner(LocalRunnerConfig.defaults(workspaces), store)) {
      LocalRun run = new LocalRun(store, runner, 4);
      String id =
          run.start(
              new LocalRun.Request(
                  "on: push\njobs:\n  slow:\n    runs-on: local\n    steps:\n"
                      + "      - run: echo begun; sleep 60\n",
                  "ci.yml",
                  null,
                  Map.of(),
                  Map.of()));
      await().atMost(Duration.ofSeconds(20)).until(() -> text(store, id).contains("begun"));

      run.cancel(id);
      LocalRun.Result result = run.await(id, Duration.ofSeconds(15));

      assertThat(result.status()).isEqualTo(BuildStatus.CANCELLED);
      assertThat(result.errorCode()).isEqualTo(ErrorCode.CANCELLED);
      assertThat(result.jobs()).extracting(InstanceState::status).containsOnly(JobStatus.CANCELLED);
    }
  }
}
