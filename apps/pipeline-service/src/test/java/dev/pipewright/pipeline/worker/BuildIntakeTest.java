package dev.pipewright.pipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildIntakeTest {
  @Test
  void rechecksDoubleFromTheFirstWaitAndAddUpToTheTotal() {
    assertThat(BuildIntake.rechecks(Duration.ofMillis(5), Duration.ofMillis(100)))
        .containsExactly(
            Duration.ofMillis(5),
            Duration.ofMillis(10),
            Duration.ofMillis(20),
            Duration.ofMillis(40),
            Duration.ofMillis(25));
  }

  @Test
  void theDefaultRechecksStartAt1MsAndWaitOneSecondInAll() {
    List<Duration> waits = BuildIntake.PENDING_RECHECKS;

    assertThat(waits.getFirst()).isEqualTo(Duration.ofMillis(1));
    assertThat(waits.stream().reduce(Duration.ZERO, Duration::plus))
        .isEqualTo(Duration.ofSeconds(1));
  }
}
