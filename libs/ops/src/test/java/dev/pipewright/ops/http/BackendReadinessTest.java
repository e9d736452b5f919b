package dev.pipewright.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.ops.metrics.PipewrightMetrics;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BackendReadinessTest {

  @Test
  void upBackendsPassAndFailuresCountAsErrors() throws Exception {
    var metrics = PipewrightMetrics.prometheus();
    AtomicBoolean databaseUp = new AtomicBoolean(true);
    AtomicBoolean brokerUp = new AtomicBoolean(true);
    var checks =
        BackendReadiness.of(
            () -> {
              if (!databaseUp.get()) {
                throw new IllegalStateException("connection refused");
              }
            },
            brokerUp::get,
            metrics);

    assertThat(checks).containsOnlyKeys("database", "rabbitmq");
    checks.get("database").check();
    checks.get("rabbitmq").check();

    databaseUp.set(false);
    brokerUp.set(false);
    assertThatThrownBy(() -> checks.get("database").check()).hasMessage("connection refused");
    assertThatThrownBy(() -> checks.get("rabbitmq").check()).hasMessage("unreachable");
    assertThat(metrics.scrape())
        .contains("pipewright_database_errors_total{operation=\"readiness\"} 1.0")
        .contains("pipewright_broker_errors_total{operation=\"readiness\"} 1.0");
    metrics.close();
  }
}
