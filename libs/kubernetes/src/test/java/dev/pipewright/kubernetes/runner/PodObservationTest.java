package dev.pipewright.kubernetes.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.StepResult;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodObservationTest {
  static final String WORKFLOW =
      """
      on: push
      jobs:
        build:
          runs-on: ubuntu-latest
          steps:
            - run: echo one
            - run: sleep 600
            - name: After
              run: echo after
            - name: Clean up
              if: always()
              run: echo clean
      """;

  private final JobPlan plan =
      new StepPlanner(Fixtures.CONFIG).plan(Fixtures.run("b1", WORKFLOW, "build").build());
  private final Job job = new JobBuilder().withNewMetadata().withName("j").endMetadata().build();

  @Test
  void aKilledStepIsCancelledWithItsExitCodeAndOnlyTheAlwaysStepIsAnnouncedAfterIt() {
    List<ContainerStatus> init = new ArrayList<>();
    init.add(terminated(0, "result=success\nexit=0\ntimeout=0\noutputs=\n"));
    init.add(terminated(1, "result=cancelled\nexit=143\ntimeout=0\noutputs=\n"));
    init.add(running(2));
    PodObservation obs = PodObservation.observe(plan, pod(init, true, "Pending"), job, false);
    assertThat(obs.phase()).isEqualTo(JobSnapshot.Phase.RUNNING);
    StepResult killed = obs.results().get(1);
    assertThat(killed.status()).isEqualTo(StepStatus.CANCELLED);
    assertThat(killed.exitCode()).isEqualTo(143);
    assertThat(killed.outcome()).isEqualTo("cancelled");
    assertThat(killed.errorCode()).isEqualTo(ErrorCode.CANCELLED);
    // The pod saw the cancel: "After" (success()) will not run, whatever the container shows.
    assertThat(obs.steps().get(2)).isEqualTo(StepStatus.PENDING);
    assertThat(obs.running()).isZero();

    init.set(2, terminated(2, "result=cancelled\n"));
    init.add(running(3));
    obs = PodObservation.observe(plan, pod(init, true, "Pending"), job, false);
    assertThat(obs.results().get(2)).isEqualTo(StepResult.notRun(StepStatus.CANCELLED));
    assertThat(obs.steps().get(3)).isEqualTo(StepStatus.RUNNING);
    assertThat(obs.running()).isEqualTo(4);
  }

  @Test
  void anAnnotatedPodIsCancelledForAWorkerThatDidNotAskForIt() {
    List<ContainerStatus> init = new ArrayList<>();
    init.add(terminated(0, "result=success\nexit=0\ntimeout=0\noutputs=\n"));
    init.add(terminated(1, "result=cancelled\nexit=143\ntimeout=0\noutputs=\n"));
    init.add(terminated(2, "result=cancelled\n"));
    init.add(terminated(3, "result=success\nexit=0\ntimeout=0\noutputs=\n"));
    PodObservation obs = PodObservation.observe(plan, pod(init, true, "Failed"), job, false);
    assertThat(obs.phase()).isEqualTo(JobSnapshot.Phase.FINISHED);
    assertThat(obs.steps())
        .containsExactly(
            StepStatus.SUCCEEDED, StepStatus.CANCELLED, StepStatus.CANCELLED, StepStatus.SUCCEEDED);
    assertThat(obs.outcome().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(obs.outcome().errorCode()).isEqualTo(ErrorCode.CANCELLED);
  }

  @Test
  void beforeTheCancelReachesThePodARunningStepMayHaveStartedEitherWay() {
    List<ContainerStatus> init = new ArrayList<>();
    init.add(terminated(0, "result=success\nexit=0\ntimeout=0\noutputs=\n"));
    init.add(running(1));
    PodObservation obs = PodObservation.observe(plan, pod(init, false, "Pending"), job, true);
    assertThat(obs.steps().get(1)).isEqualTo(StepStatus.RUNNING);
    assertThat(obs.phase()).isEqualTo(JobSnapshot.Phase.RUNNING);
  }

  @Test
  void aStepThePlannerCouldNotEvaluateFailsWithInvalidSpecAndFailsTheJob() {
    JobPlan invalid =
        Fixtures.planBuild(
            Fixtures.buildJob(
                """
                - run: echo one
                - run: echo ${{ fromJSON('not json') }}
                """));
    PlannedStep second = invalid.steps().get(1);
    StepResult failed =
        PodObservation.result(
            second,
            new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(0)
                .withMessage("result=failure\nexit=1\ntimeout=0\noutputs=\n")
                .endTerminated()
                .build()
                .getTerminated());
    assertThat(failed.status()).isEqualTo(StepStatus.FAILED);
    assertThat(failed.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC);
    assertThat(failed.errorMessage()).isEqualTo(second.invalid());
  }

  private Pod pod(List<ContainerStatus> init, boolean annotated, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withAnnotations(
            annotated
                ? Map.of(KubeNames.CANCEL_ANNOTATION, "2024-05-01T10:00:00Z")
                : Map.of(KubeNames.BUILD_ANNOTATION, "b1"))
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .withInitContainerStatuses(init)
        .endStatus()
        .build();
  }

  private ContainerStatus terminated(int index, String message) {
    return new ContainerStatusBuilder()
        .withName(plan.steps().get(index).containerName())
        .withState(
            new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(0)
                .withMessage(message)
                .endTerminated()
                .build())
        .build();
  }

  private ContainerStatus running(int index) {
    return new ContainerStatusBuilder()
        .withName(plan.steps().get(index).containerName())
        .withState(new ContainerStateBuilder().withNewRunning().endRunning().build())
        .build();
  }
}
