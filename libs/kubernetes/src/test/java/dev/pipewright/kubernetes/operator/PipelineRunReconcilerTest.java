package dev.pipewright.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.pipelinerun.v1alpha1.Phase;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunSpec;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PipelineRunReconcilerTest {
  final List<String> asked = new ArrayList<>();
  Optional<BuildProgress> progress = Optional.empty();

  final BuildReconciler builds =
      new BuildReconciler() {
        @Override
        public Optional<BuildProgress> reconcile(String buildId) {
          asked.add(buildId);
          return progress;
        }

        @Override
        public void cancel(String buildId) {
          asked.add("cancel " + buildId);
        }
      };

  final PipelineRunReconciler reconciler =
      new PipelineRunReconciler(
          builds,
          "install-a",
          Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC),
          Duration.ofSeconds(30));

  @Test
  void watchesOnlyTheInstallationsOwnObjects() {
    assertThat(reconciler.selector())
        .isEqualTo("app.kubernetes.io/managed-by=pipewright,pipewright.dev/installation=install-a");
  }

  @Test
  void aFinishedRunIsNeverLookedUpNorWritten() {
    for (Phase phase : List.of(Phase.Succeeded, Phase.Failed, Phase.Cancelled)) {
      PipelineRun run = run(phase);
      run.getSpec().setCancelRequested(true);
      UpdateControl<PipelineRun> control = reconciler.reconcile(run, null);
      assertThat(control.isNoUpdate()).as("%s", phase).isTrue();
      assertThat(control.getScheduleDelay()).isEmpty();
    }
    assertThat(asked).isEmpty();
  }

  @Test
  void aBuildTheDatabaseDoesNotHoldLeavesItsRunAsItIs() {
    UpdateControl<PipelineRun> control = reconciler.reconcile(run(Phase.Running), null);
    assertThat(asked).containsExactly("b1");
    assertThat(control.isNoUpdate()).isTrue();
    assertThat(control.getScheduleDelay()).isEmpty();
  }

  @Test
  void aKnownBuildsProgressIsPatchedIntoTheStatus() {
    progress = Optional.of(new BuildProgress(BuildStatus.SUCCEEDED, List.of(), null, 1));
    UpdateControl<PipelineRun> control = reconciler.reconcile(run(Phase.Running), null);
    assertThat(control.isPatchStatus()).isTrue();
    assertThat(control.getResource().orElseThrow().getStatus().getPhase())
        .isEqualTo(Phase.Succeeded);
  }

  @Test
  void aFinishedRunWhoseBuildWasRerunMirrorsTheNewAttempt() {
    progress = Optional.of(new BuildProgress(BuildStatus.RUNNING, List.of(), null, 2));
    PipelineRun run = run(Phase.Failed);
    run.getSpec().setRunAttempt(2);

    UpdateControl<PipelineRun> control = reconciler.reconcile(run, null);

    assertThat(asked).containsExactly("b1");
    PipelineRunStatus status = control.getResource().orElseThrow().getStatus();
    assertThat(status.getPhase()).isEqualTo(Phase.Running);
    assertThat(status.getRunAttempt()).isEqualTo(2);
    run.setStatus(status);
    status.setPhase(Phase.Succeeded);
    assertThat(PipelineRunReconciler.finished(run)).as("the re-run ended").isTrue();
  }

  private static PipelineRun run(Phase phase) {
    PipelineRun run = new PipelineRun();
    run.setMetadata(
        new ObjectMetaBuilder().withName("pr-b1").withNamespace("ci").withGeneration(1L).build());
    run.setSpec(new PipelineRunSpec("b1"));
    PipelineRunStatus status = new PipelineRunStatus();
    status.setPhase(phase);
    run.setStatus(status);
    return run;
  }
}
