package dev.pipewright.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.RetryPolicy.DeadLetter;
import dev.pipewright.models.RetryPolicy.Decision;
import dev.pipewright.models.RetryPolicy.Fail;
import dev.pipewright.models.RetryPolicy.Retry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final int BUDGET = 3;

  /** One row per code: the decision after the first and after the last try of a budget of 3. */
  private record Row(Decision first, Decision last) {}

  private static final Map<ErrorCode, Row> TABLE = new EnumMap<>(ErrorCode.class);

  static {
    TABLE.put(
        ErrorCode.TRANSIENT,
        new Row(new Retry(Duration.ofSeconds(1)), new DeadLetter(ErrorCode.TRANSIENT, BUDGET)));
    TABLE.put(
        ErrorCode.INFRASTRUCTURE,
        new Row(
            new Retry(Duration.ofSeconds(1)), new DeadLetter(ErrorCode.INFRASTRUCTURE, BUDGET)));
    for (ErrorCode never :
        EnumSet.of(
            ErrorCode.INVALID_SPEC,
            ErrorCode.NOT_FOUND,
            ErrorCode.CONFLICT,
            ErrorCode.TIMEOUT,
            ErrorCode.CANCELLED,
            ErrorCode.PERMANENT)) {
      TABLE.put(never, new Row(new Fail(never), new Fail(never)));
    }
  }

  @Test
  void everyCodeHasItsRowInTheTable() {
    assertThat(TABLE.keySet()).containsExactlyInAnyOrder(ErrorCode.values());
    TABLE.forEach(
        (code, row) -> {
          assertThat(RetryPolicy.decide(code, 1, BUDGET))
              .as(code + " first")
              .isEqualTo(row.first());
          assertThat(RetryPolicy.decide(code, BUDGET, BUDGET))
              .as(code + " last")
              .isEqualTo(row.last());
          assertThat(RetryPolicy.retryable(new CiException(code, "x")))
              .as(code + " retryable")
              .isEqualTo(row.first() instanceof Retry);
        });
  }

  @Test
  void backoffDoublesUpToTheCeiling() {
    assertThat(RetryPolicy.decide(ErrorCode.TRANSIENT, 3, 10))
        .isEqualTo(new Retry(Duration.ofSeconds(4)));
    assertThat(RetryPolicy.backoff(ErrorCode.TRANSIENT, 9)).isEqualTo(Duration.ofSeconds(256));
    assertThat(RetryPolicy.backoff(ErrorCode.TRANSIENT, 10)).isEqualTo(RetryPolicy.MAX_BACKOFF);
    assertThat(RetryPolicy.backoff(ErrorCode.TRANSIENT, 4000)).isEqualTo(RetryPolicy.MAX_BACKOFF);
    assertThat(RetryPolicy.backoff(ErrorCode.CONFLICT, 2)).isEqualTo(Duration.ZERO);
  }

  @Test
  void anUnboundedBudgetNeverGivesUp() {
    assertThat(RetryPolicy.decide(ErrorCode.TRANSIENT, 1_000_000, RetryPolicy.UNBOUNDED))
        .isEqualTo(new Retry(RetryPolicy.MAX_BACKOFF));
  }

  @Test
  void theThrowersOwnWaitIsAFloor() {
    CiException limited =
        new CiException(ErrorCode.TRANSIENT, "circuit open", null, Duration.ofSeconds(30));
    assertThat(RetryPolicy.decide(limited, 1, BUDGET)).isEqualTo(new Retry(Duration.ofSeconds(30)));
    assertThat(RetryPolicy.decide(limited, 7, 10)).isEqualTo(new Retry(Duration.ofSeconds(64)));
  }

  @Test
  void anythingUnclassifiedFailsAsPermanent() {
    assertThat(RetryPolicy.decide(new IllegalStateException("bug"), 1, BUDGET))
        .isEqualTo(new Fail(ErrorCode.PERMANENT));
    assertThat(RetryPolicy.retryable(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void attemptsAndBudgetsStartAtOne() {
    assertThatThrownBy(() -> RetryPolicy.decide(ErrorCode.TRANSIENT, 0, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.decide(ErrorCode.TRANSIENT, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
