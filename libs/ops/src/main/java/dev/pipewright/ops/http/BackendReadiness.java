package dev.pipewright.ops.http;

import dev.pipewright.ops.metrics.PipewrightMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The {@code /readyz} checks of the two servers both services depend on, PostgreSQL and RabbitMQ. A
 * failed probe also counts as a database or broker error, so an outage shows in the metrics even
 * when nothing else is asking.
 */
public final class BackendReadiness {
  private BackendReadiness() {}

  /**
   * @param databaseQuery runs a trivial query; throws when the database cannot answer
   * @param brokerReachable whether the broker connection is up
   * @return checks named {@code database} and {@code rabbitmq}, in that order
   */
  public static Map<String, ReadinessCheck> of(
      ReadinessCheck databaseQuery, BooleanSupplier brokerReachable, PipewrightMetrics metrics) {
    Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
    checks.put(
        "database",
        () -> {
          try {
            databaseQuery.check();
          } catch (Exception e) {
            metrics.databaseError("readiness");
            throw e;
          }
        });
    checks.put(
        "rabbitmq",
        () -> {
          if (!brokerReachable.getAsBoolean()) {
            metrics.brokerError("readiness");
            throw new IllegalStateException("unreachable");
          }
        });
    return checks;
  }
}
