package dev.pipewright.cli.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.models.SubStep;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildJsonTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  void buildFieldsAreStableSnakeCaseWithNulls() {
    BuildState build =
        new BuildState(
            "id-1",
            "pipe",
            3,
            BuildStatus.FAILED,
            ErrorCode.TIMEOUT,
            "too slow",
            true,
            "not needed any more",
            T0,
            T0,
            null,
            2,
            List.of(
                new JobState(
                    "a",
                    "A",
                    JobStatus.FAILED,
                    null,
                    null,
                    T0,
                    null,
                    List.of(
                        new StepState(
                            1,
                            "s",
                            StepStatus.FAILED,
                            1,
                            ErrorCode.PERMANENT,
                            "x",
                            T0,
                            T0,
                            1,
                            List.of(new Annotation("warning", "w", "a.c", 1, null, 1, null, null)),
                            null,
                            null,
                            List.of(
                                new SubStep(
                                    1,
                                    "Run acme/x@v1",
                                    StepStatus.FAILED,
                                    List.of(
                                        new SubStep(1, "Run make", StepStatus.FAILED, null)))))))));
    Map<String, Object> json = BuildJson.build(build, true);
    assertThat(json.keySet())
        .containsExactly(
            "id",
            "pipeline_id",
            "number",
            "run_attempt",
            "status",
            "error_code",
            "error_message",
            "cancel_requested",
            "cancel_reason",
            "create_time",
            "start_time",
            "finish_time",
            "jobs");
    assertThat(json).containsEntry("status", "FAILED").containsEntry("error_code", "TIMEOUT");
    assertThat(json).containsEntry("run_attempt", 2);
    assertThat(json).containsEntry("cancel_reason", "not needed any more");
    assertThat(json)
        .containsEntry("finish_time", null)
        .containsEntry("create_time", "2026-01-01T10:00:00Z");
    @SuppressWarnings("unchecked")
    Map<String, Object> job = ((List<Map<String, Object>>) json.get("jobs")).getFirst();
    assertThat(job.keySet())
        .containsExactly(
            "key",
            "name",
            "status",
            "error_code",
            "error_message",
            "start_time",
            "finish_time",
            "steps");
    @SuppressWarnings("unchecked")
    Map<String, Object> step = ((List<Map<String, Object>>) job.get("steps")).getFirst();
    assertThat(step)
        .containsEntry("number", 1)
        .containsEntry("exit_code", 1)
        .containsEntry("error_code", "PERMANENT")
        .containsEntry("attempt", 1);
    @SuppressWarnings("unchecked")
    Map<String, Object> annotation =
        ((List<Map<String, Object>>) step.get("annotations")).getFirst();
    assertThat(annotation)
        .containsEntry("level", "warning")
        .containsEntry("file", "a.c")
        .containsEntry("line", 1)
        .containsEntry("end_line", 1)
        .containsEntry("column", null);
    assertThat(step.get("sub_steps"))
        .as("nested as the actions nest")
        .isEqualTo(
            List.of(
                Map.of(
                    "number",
                    1,
                    "name",
                    "Run acme/x@v1",
                    "status",
                    "FAILED",
                    "steps",
                    List.of(
                        Map.of(
                            "number",
                            1,
                            "name",
                            "Run make",
                            "status",
                            "FAILED",
                            "steps",
                            List.of())))));
    assertThat(BuildJson.build(build, false)).doesNotContainKey("jobs");
  }

  @Test
  void listHasBuildsWithoutJobsAndANullTokenOnTheLastPage() {
    BuildState b =
        new BuildState(
            "x", "p", 1, BuildStatus.QUEUED, null, null, false, null, T0, null, null, 1, List.of());
    Map<String, Object> json = BuildJson.list(List.of(b), "");
    assertThat(json).containsEntry("next_page_token", null);
    assertThat((List<?>) json.get("builds")).hasSize(1);
    assertThat(BuildJson.list(List.of(), "abc")).containsEntry("next_page_token", "abc");
  }
}
