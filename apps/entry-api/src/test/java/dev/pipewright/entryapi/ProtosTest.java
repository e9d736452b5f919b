package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.api.ci.v1.Annotation;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.ErrorCode;
import dev.pipewright.api.ci.v1.JobStatus;
import dev.pipewright.api.ci.v1.StepStatus;
import dev.pipewright.store.StepAnnotation;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API enums and the domain enums must agree by number and by name. */
class ProtosTest {
  @Test
  void buildStatusesMatch() {
    for (var s : dev.pipewright.models.BuildStatus.values()) {
      BuildStatus api = Protos.status(s);
      assertThat(api.name()).isEqualTo("BUILD_STATUS_" + s.name());
      assertThat(Protos.status(api)).isEqualTo(s);
    }
    assertThat(BuildStatus.values()).hasSize(dev.pipewright.models.BuildStatus.values().length + 2);
  }

  @Test
  void jobAndStepStatusesMatch() {
    for (var s : dev.pipewright.models.JobStatus.values()) {
      assertThat(Protos.status(s).name()).isEqualTo("JOB_STATUS_" + s.name());
    }
    for (var s : dev.pipewright.models.StepStatus.values()) {
      assertThat(Protos.status(s).name()).isEqualTo("STEP_STATUS_" + s.name());
    }
    assertThat(JobStatus.values()).hasSize(dev.pipewright.models.JobStatus.values().length + 2);
    assertThat(StepStatus.values()).hasSize(dev.pipewright.models.StepStatus.values().length + 2);
  }

  @Test
  void errorCodesMatch() {
    for (var c : dev.pipewright.models.ErrorCode.values()) {
      assertThat(Protos.errorCode(c).name()).isEqualTo("ERROR_CODE_" + c.name());
    }
    assertThat(Protos.errorCode(null)).isEqualTo(ErrorCode.ERROR_CODE_UNSPECIFIED);
    assertThat(ErrorCode.values()).hasSize(dev.pipewright.models.ErrorCode.values().length + 2);
  }

  @Test
  void timestampsKeepNanos() {
    var ts = Protos.timestamp(Instant.parse("2026-01-02T03:04:05.123456789Z"));
    assertThat(ts.getSeconds()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z").getEpochSecond());
    assertThat(ts.getNanos()).isEqualTo(123456789);
  }

  @Test
  void annotationsKeepEveryPositionAndLeaveUnsetOnesUnset() {
    Annotation full =
        Protos.annotation(new StepAnnotation("error", "bad", "src/a.c", 3, 5, 4, 9, "Lint"));
    assertThat(full.getLevel()).isEqualTo(Annotation.Level.LEVEL_ERROR);
    assertThat(List.of(full.getLine(), full.getColumn(), full.getEndLine(), full.getEndColumn()))
        .containsExactly(3, 5, 4, 9);
    assertThat(full.getFile()).isEqualTo("src/a.c");
    assertThat(full.getTitle()).isEqualTo("Lint");
    Annotation bare =
        Protos.annotation(new StepAnnotation("notice", "fyi", null, null, null, null, null, null));
    assertThat(bare.getLevel()).isEqualTo(Annotation.Level.LEVEL_NOTICE);
    assertThat(bare.hasLine() || bare.hasColumn() || bare.hasEndLine() || bare.hasEndColumn())
        .isFalse();
    assertThat(bare.getFile()).isEmpty();
  }

  @Test
  void subStepsKeepTheirNesting() {
    var inner =
        new dev.pipewright.models.SubStep(
            1, "Run make", dev.pipewright.models.StepStatus.FAILED, null);
    var sub =
        Protos.subStep(
            new dev.pipewright.models.SubStep(
                2,
                "Run acme/build@v1",
                dev.pipewright.models.StepStatus.SUCCEEDED,
                List.of(inner)));
    assertThat(sub.getNumber()).isEqualTo(2);
    assertThat(sub.getName()).isEqualTo("Run acme/build@v1");
    assertThat(sub.getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
    assertThat(sub.getStepsList())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo("Run make");
              assertThat(s.getStatus()).isEqualTo(StepStatus.STEP_STATUS_FAILED);
              assertThat(s.getStepsList()).isEmpty();
            });
  }
}
