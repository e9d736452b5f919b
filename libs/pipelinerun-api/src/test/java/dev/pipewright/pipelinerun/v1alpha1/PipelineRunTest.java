package dev.pipewright.pipelinerun.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineRunTest {

  @Test
  void nameIsDnsSafeAndDeterministic() {
    String name = PipelineRun.nameFor("0F8FAD5B-D9CB-469F-A165-70867728950E");
    assertThat(name).isEqualTo("build-0f8fad5b-d9cb-469f-a165-70867728950e");
    assertThat(name).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void serializesWithGroupVersionAndOmitsUnsetFields() {
    PipelineRun run = new PipelineRun();
    run.setMetadata(new ObjectMetaBuilder().withName("build-1").withNamespace("ci").build());
    run.setSpec(new PipelineRunSpec("1"));
    String yaml = Serialization.asYaml(run);
    assertThat(yaml).contains("apiVersion: \"pipewright.dev/v1alpha1\"", "kind: \"PipelineRun\"");
    assertThat(yaml).contains("buildId: \"1\"").doesNotContain("sha:", "cancelRequested");
    assertThat(Serialization.unmarshal(yaml, PipelineRun.class).getSpec()).isEqualTo(run.getSpec());
  }

  @Test
  void statusEqualityIsByValueSoUnchangedStatusIsNotPatched() {
    assertThat(status("Running")).isEqualTo(status("Running"));
    assertThat(status("Running")).isNotEqualTo(status("Succeeded"));
  }

  @Test
  void terminalPhases() {
    assertThat(Phase.Succeeded.terminal()).isTrue();
    assertThat(Phase.Cancelled.terminal()).isTrue();
    assertThat(Phase.Running.terminal()).isFalse();
  }

  private static PipelineRunStatus status(String jobState) {
    PipelineRunStatus s = new PipelineRunStatus();
    s.setPhase(Phase.Running);
    s.setJobsTotal(1);
    s.setJobsDone(0);
    s.setJobs(List.of(new JobRunStatus("build", jobState.toUpperCase(), "pw-1-build")));
    s.setConditions(
        List.of(
            new ConditionBuilder()
                .withType(PipelineRunStatus.CONDITION_FINISHED)
                .withStatus("False")
                .build()));
    s.setObservedGeneration(1L);
    return s;
  }
}
