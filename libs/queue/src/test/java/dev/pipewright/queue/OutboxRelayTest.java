package dev.pipewright.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutboxRelayTest {
  private static final Instant NOW = Instant.parse("2026-01-02T10:00:00Z");

  @Test
  void admissionLagRunsFromTheRowsCreationAndNeverGoesNegative() {
    assertThat(OutboxRelay.lag(NOW.minusMillis(250), NOW)).isEqualTo(Duration.ofMillis(250));
    assertThat(OutboxRelay.lag(NOW.plusSeconds(1), NOW)).isEqualTo(Duration.ZERO);
    assertThat(OutboxRelay.lag(null, NOW)).isEqualTo(Duration.ZERO);
  }

  @Test
  void backoffDoublesUpToTheCap() {
    assertThat(OutboxRelay.next(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(200));
    assertThat(OutboxRelay.next(OutboxRelay.MAX_BACKOFF)).isEqualTo(OutboxRelay.MAX_BACKOFF);
  }
}
