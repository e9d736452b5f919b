package dev.pipewright.e2e;

import static dev.pipewright.e2e.Installation.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import dev.pipewright.api.ci.v1.Annotation;
import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.CancelBuildRequest;
import dev.pipewright.api.ci.v1.ErrorCode;
import dev.pipewright.api.ci.v1.Job;
import dev.pipewright.api.ci.v1.JobStatus;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.Step;
import dev.pipewright.api.ci.v1.StepStatus;
import dev.pipewright.queue.BuildMessage;
import dev.pipewright.queue.BuildPublisher;
import dev.pipewright.queue.QueueClient;
import dev.pipewright.queue.QueueSettings;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds through the public API end to end: StartPipelineBuild over gRPC, the outbox relay and
 * RabbitMQ, a worker running real processes, GetBuild polled to the end, GetBuildLogs.
 */
class PipelineE2EIT {
  private static Installation pw;

  @BeforeAll
  static void start() throws Exception {
    pw = new Installation("pipeline");
    pw.startWorker(pw.workerConfig("e2e-worker"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (pw != null) {
      pw.close();
    }
  }

  private static Instant time(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  @Test
  void aDiamondRunsInDependencyOrderWithParallelBranchesAndPassesOutputs() {
    String id =
        pw.start(
            """
            on: push
            jobs:
              setup:
                runs-on: ubuntu-latest
                outputs:
                  version: ${{ steps.v.outputs.version }}
                steps:
                  - id: v
                    name: Compute
                    run: echo "version=1.2.3" >> "$GITHUB_OUTPUT"
              left:
                needs: setup
                runs-on: ubuntu-latest
                steps:
                  - run: sleep 1
                  - run: echo "left sees ${{ needs.setup.outputs.version }}"
              right:
                needs: setup
                runs-on: ubuntu-latest
                steps:
                  - run: sleep 1
                  - run: echo "right sees ${{ needs.setup.outputs.version }}"
              final:
                needs: [left, right]
                runs-on: ubuntu-latest
                steps:
                  - name: Done
                    run: echo "all done"
            """);
    Build build = pw.awaitEnd(id, Duration.ofSeconds(30));

    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    assertThat(build.getErrorCode()).isEqualTo(ErrorCode.ERROR_CODE_UNSPECIFIED);
    assertThat(build.getJobsList())
        .extracting(Job::getKey)
        .containsExactlyInAnyOrder("setup", "left", "right", "final");
    for (Job job : build.getJobsList()) {
      assertThat(job.getStatus()).as(job.getKey()).isEqualTo(JobStatus.JOB_STATUS_SUCCEEDED);
      assertThat(job.getStepsList())
          .as(job.getKey())
          .allSatisfy(
              s -> {
                assertThat(s.getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
                assertThat(s.getExitCode()).isZero();
              });
    }
    assertThat(job(build, "final").getNeedsList()).containsExactlyInAnyOrder("left", "right");

    Job setup = job(build, "setup");
    Job left = job(build, "left");
    Job right = job(build, "right");
    Job last = job(build, "final");
    // needs respected: nobody starts before what it needs finished.
    assertThat(time(left.getStartTime())).isAfterOrEqualTo(time(setup.getFinishTime()));
    assertThat(time(right.getStartTime())).isAfterOrEqualTo(time(setup.getFinishTime()));
    assertThat(time(last.getStartTime()))
        .isAfterOrEqualTo(time(left.getFinishTime()))
        .isAfterOrEqualTo(time(right.getFinishTime()));
    // independent jobs overlapped: each started before the other finished.
    assertThat(time(left.getStartTime())).isBefore(time(right.getFinishTime()));
    assertThat(time(right.getStartTime())).isBefore(time(left.getFinishTime()));

    assertThat(pw.logText(id, "left")).contains("left sees 1.2.3\n");
    assertThat(pw.logText(id, "right")).contains("right sees 1.2.3\n");
    assertThat(pw.logText(id, "final")).contains("all done\n");
  }

  @Test
  void aFailingStepFailsItsJobSkipsDependentsAndFailsTheBuild() {
    String id =
        pw.start(
            """
            on: push
            jobs:
              broken:
                runs-on: ubuntu-latest
                steps:
                  - run: echo before
                  - name: Fail
                    run: echo "about to fail"; exit 3
                  - run: echo never
              after:
                needs: broken
                runs-on: ubuntu-latest
                steps:
                  - run: echo never
              independent:
                runs-on: ubuntu-latest
                steps:
                  - run: echo fine
            """);
    Build build = pw.awaitEnd(id, Duration.ofSeconds(30));

    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_FAILED);
    assertThat(build.getErrorCode()).isEqualTo(ErrorCode.ERROR_CODE_PERMANENT);
    assertThat(build.getErrorMessage()).isNotBlank();
    Job broken = job(build, "broken");
    assertThat(broken.getStatus()).isEqualTo(JobStatus.JOB_STATUS_FAILED);
    assertThat(broken.getErrorCode()).isEqualTo(ErrorCode.ERROR_CODE_PERMANENT);
    assertThat(broken.getStepsList())
        .extracting(Step::getStatus)
        .containsExactly(
            StepStatus.STEP_STATUS_SUCCEEDED,
            StepStatus.STEP_STATUS_FAILED,
            StepStatus.STEP_STATUS_SKIPPED);
    assertThat(broken.getSteps(1).getExitCode()).isEqualTo(3);
    assertThat(broken.getSteps(1).getErrorCode()).isEqualTo(ErrorCode.ERROR_CODE_PERMANENT);
    Job after = job(build, "after");
    assertThat(after.getStatus()).isEqualTo(JobStatus.JOB_STATUS_SKIPPED);
    assertThat(after.getStepsList())
        .extracting(Step::getStatus)
        .containsOnly(StepStatus.STEP_STATUS_SKIPPED);
    assertThat(job(build, "independent").getStatus()).isEqualTo(JobStatus.JOB_STATUS_SUCCEEDED);
    assertThat(pw.logText(id, "broken"))
        .contains("before\n", "about to fail\n")
        .doesNotContain("never");
    assertThat(pw.logText(id, "after")).isEmpty();
  }

  /**
   * Issue 14: annotations are stored with their positions and returned by GetBuild (actions/runner
   * IssueCommandExtension, IssueExtensions.cs), and a key the engine does not honour is a
   * ##[warning] line of the job's log instead of being skipped silently.
   */
  @Test
  void annotationsAreReturnedByGetBuildAndUnhonouredKeysWarnInTheLog() {
    String id =
        pw.start(
            """
            on: push
            permissions: read-all
            jobs:
              lint:
                runs-on: ubuntu-latest
                steps:
                  - run: |
                      echo "::error file=src/a.c,line=3,col=5,endLine=4,endColumn=9,title=Lint::bad style"
                      echo "::notice::all checked"
            """);
    Build build = pw.awaitEnd(id, Duration.ofSeconds(30));

    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    assertThat(job(build, "lint").getSteps(0).getAnnotationsList())
        .containsExactly(
            Annotation.newBuilder()
                .setLevel(Annotation.Level.LEVEL_ERROR)
                .setMessage("bad style")
                .setFile("src/a.c")
                .setLine(3)
                .setColumn(5)
                .setEndLine(4)
                .setEndColumn(9)
                .setTitle("Lint")
                .build(),
            Annotation.newBuilder()
                .setLevel(Annotation.Level.LEVEL_NOTICE)
                .setMessage("all checked")
                .build());
    assertThat(pw.logText(id, "lint"))
        .contains(
            "##[warning]e2e.yml:2:1: 'permissions' of the workflow has no effect: jobs get no"
                + " GITHUB_TOKEN\n");
  }

  /**
   * Issue 14: a composite action runs through the whole installation, its inner steps print into
   * the calling step's log, its outputs reach the next step, and GetBuild names the action on its
   * step with its inner steps under it (actions/runner CompositeActionHandler.cs). The action is
   * written by the job itself: a local one, so nothing is fetched.
   */
  @Test
  void aCompositeActionRunsAndGetBuildNamesItOnItsStep() {
    String id =
        pw.start(
            """
            on: push
            jobs:
              act:
                runs-on: ubuntu-latest
                steps:
                  - run: |
                      o='$'
                      mkdir -p act
                      cat > act/action.yml <<EOF
                      inputs: {who: {required: true}}
                      outputs: {said: {value: "${o}{{ steps.s.outputs.said }}"}}
                      runs:
                        using: composite
                        steps:
                          - id: s
                            shell: sh
                            run: |
                              echo "hello ${o}{{ inputs.who }}"
                              echo "said=hi ${o}{{ inputs.who }}" >> "\\$GITHUB_OUTPUT"
                      EOF
                  - id: greet
                    uses: ./act
                    with: {who: e2e}
                  - run: echo "got ${{ steps.greet.outputs.said }}"
            """);
    Build build = pw.awaitEnd(id, Duration.ofSeconds(60));

    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    assertThat(job(build, "act").getSteps(1).getAction()).isEqualTo("./act");
    assertThat(job(build, "act").getSteps(1).getActionSha()).isEmpty();
    assertThat(job(build, "act").getSteps(0).getAction()).isEmpty();
    assertThat(job(build, "act").getSteps(1).getSubStepsList())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getNumber()).isEqualTo(1);
              assertThat(s.getName()).isEqualTo("Run echo \"hello ${{ inputs.who }}\"");
              assertThat(s.getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
            });
    assertThat(job(build, "act").getSteps(2).getSubStepsList()).isEmpty();
    assertThat(pw.logText(id, "act")).contains("hello e2e\n", "got hi e2e\n");
  }

  @Test
  void continueOnErrorKeepsTheJobGoing() {
    String id =
        pw.start(
            """
            on: push
            jobs:
              tolerant:
                runs-on: ubuntu-latest
                steps:
                  - id: flaky
                    continue-on-error: true
                    run: exit 1
                  - run: echo "outcome=${{ steps.flaky.outcome }} conclusion=${{ steps.flaky.conclusion }}"
            """);
    Build build = pw.awaitEnd(id, Duration.ofSeconds(30));

    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    Job tolerant = job(build, "tolerant");
    assertThat(tolerant.getStatus()).isEqualTo(JobStatus.JOB_STATUS_SUCCEEDED);
    assertThat(tolerant.getSteps(0).getExitCode()).isEqualTo(1);
    assertThat(tolerant.getSteps(1).getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
    assertThat(pw.logText(id, "tolerant")).contains("outcome=failure conclusion=success");
  }

  @Test
  void aStepOverItsTimeoutIsKilledAndFailsWithTimeout() {
    String id =
        pw.start(
            """
            on: push
            jobs:
              slow:
                runs-on: ubuntu-latest
                steps:
                  - name: Too slow
                    timeout-minutes: 0.02
                    run: echo started; sleep 30; echo "not reached"
                  - if: always()
                    run: echo "cleanup ran"
            """);
    Build build = pw.awaitEnd(id, Duration.ofSeconds(20));

    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_FAILED);
    assertThat(build.getErrorCode()).isEqualTo(ErrorCode.ERROR_CODE_TIMEOUT);
    Job slow = job(build, "slow");
    assertThat(slow.getStatus()).isEqualTo(JobStatus.JOB_STATUS_FAILED);
    Step tooSlow = slow.getSteps(0);
    assertThat(tooSlow.getStatus()).isEqualTo(StepStatus.STEP_STATUS_FAILED);
    assertThat(tooSlow.getErrorCode()).isEqualTo(ErrorCode.ERROR_CODE_TIMEOUT);
    assertThat(Duration.between(time(tooSlow.getStartTime()), time(tooSlow.getFinishTime())))
        .isBetween(Duration.ofMillis(1000), Duration.ofSeconds(10));
    assertThat(slow.getSteps(1).getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
    assertThat(pw.logText(id, "slow"))
        .contains("started\n", "cleanup ran\n")
        .doesNotContain("not reached");
  }

  @Test
  void cancellingARunningBuildStopsItsJobsAndMarksWhatNeverRan() {
    String id =
        pw.start(
            """
            on: push
            jobs:
              long:
                runs-on: ubuntu-latest
                steps:
                  - run: echo sleeping; sleep 60
                  - run: echo never
              later:
                needs: long
                runs-on: ubuntu-latest
                steps:
                  - run: echo never
            """);
    await().atMost(Duration.ofSeconds(15)).until(() -> pw.logText(id, "long").contains("sleeping"));
    Build requested =
        pw.stub
            .cancelBuild(CancelBuildRequest.newBuilder().setBuildId(id).setReason("test").build())
            .getBuild();
    assertThat(requested.getCancelRequested()).isTrue();

    Build build = pw.awaitEnd(id, Duration.ofSeconds(20));
    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_CANCELLED);
    assertThat(build.getErrorCode()).isEqualTo(ErrorCode.ERROR_CODE_CANCELLED);
    Job longJob = job(build, "long");
    assertThat(longJob.getStatus()).isEqualTo(JobStatus.JOB_STATUS_CANCELLED);
    assertThat(longJob.getSteps(0).getStatus()).isEqualTo(StepStatus.STEP_STATUS_CANCELLED);
    assertThat(longJob.getSteps(1).getStatus())
        .isIn(StepStatus.STEP_STATUS_CANCELLED, StepStatus.STEP_STATUS_SKIPPED);
    assertThat(job(build, "later").getStatus())
        .isIn(JobStatus.JOB_STATUS_CANCELLED, JobStatus.JOB_STATUS_SKIPPED);
    // Cancelling a finished build is refused.
    assertThatThrownBy(
            () -> pw.stub.cancelBuild(CancelBuildRequest.newBuilder().setBuildId(id).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
  }

  @Test
  void aDuplicateDeliveryOfOneBuildRunsItOnce() throws Exception {
    String marker = pw.workspaces.resolve("dup-" + System.nanoTime()).toString();
    String id =
        pw.start(
            """
            on: push
            jobs:
              once:
                runs-on: ubuntu-latest
                steps:
                  - run: echo ran >> %s; sleep 1; echo "counted"
            """
                .formatted(marker));
    try (QueueClient queue =
            QueueClient.create(QueueSettings.of(QueueSettings.DEFAULT_URI, pw.names));
        BuildPublisher publisher = queue.publisher()) {
      publisher.publish(new BuildMessage("dup-1-" + id, id));
      publisher.publish(new BuildMessage("dup-2-" + id, id));
    }
    Build build = pw.awaitEnd(id, Duration.ofSeconds(30));
    assertThat(build.getStatus()).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    // Give late duplicates the time a delivery takes; none may start the step again.
    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(3))
        .until(() -> java.nio.file.Files.readAllLines(java.nio.file.Path.of(marker)).size() == 1);
    assertThat(pw.logText(id, "once").split("counted", -1)).hasSize(2);
  }

  @Test
  void anInvalidWorkflowIsRefusedWithPositionsAndNothingIsStored() {
    long before =
        pw.stub
            .listBuilds(
                ListBuildsRequest.newBuilder().setPipelineId("e2e").setPageSize(500).build())
            .getBuildsCount();
    assertThatThrownBy(
            () ->
                pw.start(
                    """
                    on: push
                    jobs:
                      a:
                        needs: ghost
                        runs-on: ubuntu-latest
                        steps:
                          - run: echo a
                    """))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              List<String> violations =
                  StatusProto.fromThrowable(e).getDetailsList().stream()
                      .filter(d -> d.is(BadRequest.class))
                      .flatMap(
                          d -> {
                            try {
                              return d.unpack(BadRequest.class).getFieldViolationsList().stream();
                            } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                              throw new AssertionError(x);
                            }
                          })
                      .map(BadRequest.FieldViolation::getDescription)
                      .toList();
              assertThat(violations)
                  .singleElement()
                  .asString()
                  .startsWith("e2e.yml:4:")
                  .contains("ghost");
            });
    long after =
        pw.stub
            .listBuilds(
                ListBuildsRequest.newBuilder().setPipelineId("e2e").setPageSize(500).build())
            .getBuildsCount();
    assertThat(after).isEqualTo(before);
  }
}
