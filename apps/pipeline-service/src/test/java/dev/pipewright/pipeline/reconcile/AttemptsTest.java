package dev.pipewright.pipeline.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.RetryPolicy;
import org.junit.jupiter.api.Test;

class AttemptsTest {

  @Test
  void infrastructureRetriesAreRunsAfterTheFirst() {
    Attempts twoRetries = Attempts.of(3, 2);
    assertThat(twoRetries.infrastructure()).isEqualTo(3);
    assertThat(twoRetries.runsAgainAfter(ErrorCode.INFRASTRUCTURE, 1)).isTrue();
    assertThat(twoRetries.runsAgainAfter(ErrorCode.INFRASTRUCTURE, 2)).isTrue();
    assertThat(twoRetries.runsAgainAfter(ErrorCode.INFRASTRUCTURE, 3)).isFalse();
    assertThat(Attempts.of(3, 0).runsAgainAfter(ErrorCode.INFRASTRUCTURE, 1)).isFalse();
  }

  @Test
  void aJobsOwnFailureIsItsResultWhateverThePolicySaysElsewhere() {
    Attempts generous = Attempts.of(10, 10);
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(generous.runsAgainAfter(code, 1))
          .as(code.name())
          .isEqualTo(code == ErrorCode.INFRASTRUCTURE);
    }
    assertThat(generous.runsAgainAfter(null, 1)).isFalse();
  }

  @Test
  void aLostRunIsATransientFailureWithinTheLostBudget() {
    Attempts attempts = new Attempts(2, 5);
    assertThat(attempts.afterLoss(1)).isInstanceOf(RetryPolicy.Retry.class);
    assertThat(attempts.afterLoss(2)).isEqualTo(new RetryPolicy.DeadLetter(ErrorCode.TRANSIENT, 2));
  }

  @Test
  void budgetsStartAtOneRun() {
    assertThatThrownBy(() -> new Attempts(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Attempts.of(1, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
