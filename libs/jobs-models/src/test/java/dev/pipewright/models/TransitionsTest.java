package dev.pipewright.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class TransitionsTest {

  @Test
  void buildFollowsTheDocumentedPath() {
    var t = BuildStatus.TRANSITIONS;
    assertThat(t.allowed(BuildStatus.PENDING, BuildStatus.QUEUED)).isTrue();
    assertThat(t.allowed(BuildStatus.QUEUED, BuildStatus.RUNNING)).isTrue();
    assertThat(t.allowed(BuildStatus.RUNNING, BuildStatus.SUCCEEDED)).isTrue();
    assertThat(t.allowed(BuildStatus.PENDING, BuildStatus.RUNNING)).isFalse();
    assertThat(t.allowed(BuildStatus.SUCCEEDED, BuildStatus.RUNNING)).isFalse();
  }

  @Test
  void terminalStatesHaveNoWayOut() {
    assertThat(EnumSet.allOf(BuildStatus.class).stream().filter(BuildStatus::terminal))
        .containsExactlyInAnyOrder(
            BuildStatus.SUCCEEDED, BuildStatus.FAILED, BuildStatus.CANCELLED);
    assertThat(EnumSet.allOf(JobStatus.class).stream().filter(JobStatus::terminal))
        .containsExactlyInAnyOrder(
            JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.SKIPPED);
    assertThat(EnumSet.allOf(StepStatus.class).stream().filter(StepStatus::terminal))
        .containsExactlyInAnyOrder(
            StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.CANCELLED, StepStatus.SKIPPED);
  }

  @Test
  void onlySucceededAndFailedEndAStepThatRan() {
    assertThat(EnumSet.allOf(StepStatus.class).stream().filter(StepStatus::endsARun))
        .containsExactlyInAnyOrder(StepStatus.SUCCEEDED, StepStatus.FAILED);
  }

  @Test
  void sourcesAreTheGuardOfAnUpdate() {
    assertThat(BuildStatus.TRANSITIONS.sourcesOf(BuildStatus.CANCELLED))
        .containsExactlyInAnyOrder(BuildStatus.PENDING, BuildStatus.QUEUED, BuildStatus.RUNNING);
    assertThat(StepStatus.TRANSITIONS.sourcesOf(StepStatus.SKIPPED))
        .containsExactly(StepStatus.PENDING);
    assertThat(JobStatus.TRANSITIONS.sourcesOf(JobStatus.PENDING)).isEmpty();
  }

  @Test
  void illegalMoveIsRefusedAsConflict() {
    assertThatThrownBy(() -> StepStatus.TRANSITIONS.check(StepStatus.SUCCEEDED, StepStatus.RUNNING))
        .isInstanceOf(CiException.class)
        .hasMessageContaining("SUCCEEDED to RUNNING")
        .extracting(e -> ((CiException) e).code())
        .isEqualTo(ErrorCode.CONFLICT);
  }

  @Test
  void numbersMatchTheProtoEnumsAndRoundTrip() {
    for (BuildStatus s : BuildStatus.values()) {
      assertThat(BuildStatus.forNumber(s.number())).isEqualTo(s);
    }
    for (JobStatus s : JobStatus.values()) {
      assertThat(JobStatus.forNumber(s.number())).isEqualTo(s);
    }
    for (StepStatus s : StepStatus.values()) {
      assertThat(StepStatus.forNumber(s.number())).isEqualTo(s);
    }
    assertThat(JobStatus.SKIPPED.number()).isEqualTo(7);
    assertThatThrownBy(() -> BuildStatus.forNumber(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anyThrowableIsClassified() {
    var original = new CiException(ErrorCode.NOT_FOUND, "no build 7");
    assertThat(CiException.from(original)).isSameAs(original);
    CiException wrapped = CiException.from(new IllegalStateException("boom"));
    assertThat(wrapped.code()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(wrapped).hasMessage("boom");
  }
}
