package dev.pipewright.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.JobStatus;
import dev.pipewright.pipelinerun.v1alpha1.Phase;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineRunStatusesTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

  static BuildProgress running(JobStatus second) {
    return new BuildProgress(
        BuildStatus.RUNNING,
        List.of(
            new BuildProgress.JobProgress("build", JobStatus.SUCCEEDED, "pw-b-build"),
            new BuildProgress.JobProgress("test", second, null)),
        null,
        1);
  }

  @Test
  void mapsProgressToPhaseCountsAndConditions() {
    PipelineRunStatus s = PipelineRunStatuses.of(running(JobStatus.RUNNING), 3L, null, T0);
    assertThat(s.getPhase()).isEqualTo(Phase.Running);
    assertThat(s.getProgress()).isEqualTo("1/2");
    assertThat(s.getJobsDone()).isEqualTo(1);
    assertThat(s.getObservedGeneration()).isEqualTo(3L);
    assertThat(s.getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus())
        .containsExactly("Finished=False", "Succeeded=Unknown");
  }

  @Test
  void anUnchangedBuildGivesAnEqualStatusSoNothingIsWritten() {
    PipelineRunStatus first = PipelineRunStatuses.of(running(JobStatus.RUNNING), 1L, null, T0);
    PipelineRunStatus again = PipelineRunStatuses.of(running(JobStatus.RUNNING), 1L, first, T1);
    assertThat(again).isEqualTo(first);
    PipelineRunStatus changed = PipelineRunStatuses.of(running(JobStatus.FAILED), 1L, first, T1);
    assertThat(changed).isNotEqualTo(first);
  }

  @Test
  void conditionsKeepTheirTransitionTimeUntilTheyFlip() {
    PipelineRunStatus first = PipelineRunStatuses.of(running(JobStatus.RUNNING), 1L, null, T0);
    PipelineRunStatus done =
        PipelineRunStatuses.of(
            new BuildProgress(BuildStatus.SUCCEEDED, running(JobStatus.SUCCEEDED).jobs(), null, 1),
            1L,
            first,
            T1);
    assertThat(done.getPhase()).isEqualTo(Phase.Succeeded);
    assertThat(done.getConditions())
        .allMatch(c -> c.getStatus().equals("True"))
        .allMatch(c -> c.getLastTransitionTime().equals(T1.toString()));
  }

  @Test
  void childrenMapToTheirBuildsRunByAnnotation() {
    var pod =
        new PodBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withNamespace("ci")
                    .addToAnnotations("pipewright.dev/build-id", "ABC")
                    .build())
            .build();
    assertThat(PipelineRunReconciler.runOf(pod)).containsExactly(new ResourceID("build-abc", "ci"));
    assertThat(
            PipelineRunReconciler.runOf(new PodBuilder().withNewMetadata().endMetadata().build()))
        .isEmpty();
  }
}
