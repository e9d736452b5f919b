package dev.pipewright.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobCheckpointTest {
  private static final JobRef REF = new JobRef("b1", "build.2");

  private static JobCheckpoint sample() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ZED", "last letter, first added");
    env.put("ALPHA", "multi\nline");
    return new JobCheckpoint(
        JobCheckpoint.FORMAT,
        JobCheckpoint.jobName(REF),
        2,
        2,
        List.of(StepStatus.SUCCEEDED, StepStatus.FAILED),
        env,
        List.of("/opt/new", "/opt/old"),
        Map.of(
            "compile", new JobCheckpoint.StepRecord("failure", "success", Map.of("answer", "42"))),
        Map.of("__run", 2),
        List.of("hidden-value"),
        true,
        false,
        ErrorCode.CANCELLED,
        ErrorCode.PERMANENT,
        "Process completed with exit code 3.",
        1_800_000_000_000L,
        new JobCheckpoint.Running(3, "step-3.a2", 1_700_000_000_000L),
        5,
        Map.of(1, Map.of("saved", "by main")),
        List.of(
            new PostSteps.Saved(1, false, "Post greet", "always()", "greet"),
            new PostSteps.Saved(3, true, "Post wrap", "always()", "__self")));
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void roundTripsEveryFieldAndKeepsTheEnvInTheOrderItWasAdded() throws Exception {
    JobCheckpoint c = sample();

    JobCheckpoint back = JobCheckpoint.parse(c.toBytes(), REF, 2, 4);

    assertThat(back).isEqualTo(c);
    assertThat(back.env().keySet()).containsExactly("ZED", "ALPHA");
  }

  @Test
  void betweenStepsThereIsNoRunningCommand() throws Exception {
    JobCheckpoint c =
        new JobCheckpoint(
            JobCheckpoint.FORMAT,
            JobCheckpoint.jobName(REF),
            1,
            0,
            List.of(),
            Map.of(),
            List.of(),
            Map.of(),
            Map.of(),
            List.of(),
            false,
            false,
            null,
            null,
            null,
            0,
            null,
            0,
            Map.of(),
            List.of());

    assertThat(JobCheckpoint.parse(c.toBytes(), REF, 1, 1)).isEqualTo(c);
  }

  @Test
  void aTruncatedFileIsUnreadableNotHalfRead() {
    byte[] whole = sample().toBytes();
    byte[] half = Arrays.copyOf(whole, whole.length / 2);

    assertThatThrownBy(() -> JobCheckpoint.parse(half, REF, 2, 4))
        .isInstanceOf(JobCheckpoint.Unreadable.class)
        .hasMessageContaining("the checkpoint of " + REF + " does not parse");
  }

  @Test
  void garbageAnEmptyFileAndJsonOfAnotherShapeAreUnreadable() {
    for (String text : List.of("", "not json", "[]", "{}", "null", "{\"format\":1}")) {
      assertThatThrownBy(() -> JobCheckpoint.parse(bytes(text), REF, 2, 4))
          .as(text)
          .isInstanceOf(JobCheckpoint.Unreadable.class);
    }
  }

  @Test
  void anUnknownFieldOrValueIsRefusedRatherThanIgnored() {
    String json = new String(sample().toBytes(), StandardCharsets.UTF_8);

    assertThatThrownBy(
            () ->
                JobCheckpoint.parse(
                    bytes(json.replace("{\"format\"", "{\"x\":1,\"format\"")), REF, 2, 4))
        .isInstanceOf(JobCheckpoint.Unreadable.class)
        .hasMessageContaining("x");
    assertThatThrownBy(
            () -> JobCheckpoint.parse(bytes(json.replace("\"SUCCEEDED\"", "\"DONE\"")), REF, 2, 4))
        .isInstanceOf(JobCheckpoint.Unreadable.class);
  }

  @Test
  void anotherFormatJobAttemptOrStepListIsRefusedWithWhy() {
    JobCheckpoint c = sample();

    assertThatThrownBy(() -> JobCheckpoint.parse(c.toBytes(), REF, 3, 4))
        .isInstanceOf(JobCheckpoint.Unreadable.class)
        .hasMessageContaining("it is of b1/build.2 attempt 2");
    assertThatThrownBy(() -> JobCheckpoint.parse(c.toBytes(), new JobRef("b1", "build.1"), 2, 4))
        .isInstanceOf(JobCheckpoint.Unreadable.class);
    // The workflow has fewer steps than the checkpoint says are done.
    assertThatThrownBy(() -> JobCheckpoint.parse(c.toBytes(), REF, 2, 1))
        .isInstanceOf(JobCheckpoint.Unreadable.class)
        .hasMessageContaining("2 steps done of 1");
    String json = new String(c.toBytes(), StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                JobCheckpoint.parse(
                    bytes(json.replace("\"format\":" + JobCheckpoint.FORMAT, "\"format\":99")),
                    REF,
                    2,
                    4))
        .isInstanceOf(JobCheckpoint.Unreadable.class)
        .hasMessageContaining("its format is 99");
    assertThatThrownBy(
            () -> JobCheckpoint.parse(bytes(json.replace("\"step\":3", "\"step\":4")), REF, 2, 4))
        .isInstanceOf(JobCheckpoint.Unreadable.class)
        .hasMessageContaining("running step 4 does not follow step 2");
  }

  @Test
  void livesInTheAttemptsRunnerFiles() {
    JobPaths paths = new JobPaths("/w", "/t", "/c", "/r");

    assertThat(JobCheckpoint.path(paths, 2)).isEqualTo("/r/checkpoint.a2.json");
  }

  /**
   * A post step belongs to a step that ran (or runs: a step registers its post as its main stage
   * starts); one of a later step cannot be, and the file is not trusted.
   */
  @Test
  void aPostStepOfAStepNotReachedYetIsRefused() {
    String json = new String(sample().toBytes(), StandardCharsets.UTF_8);

    assertThatThrownBy(
            () ->
                JobCheckpoint.parse(
                    bytes(json.replace("\"step\":1,\"composite\"", "\"step\":4,\"composite\"")),
                    REF,
                    2,
                    4))
        .isInstanceOf(JobCheckpoint.Unreadable.class)
        .hasMessageContaining("a post step of step 4, after step 2");
  }
}
