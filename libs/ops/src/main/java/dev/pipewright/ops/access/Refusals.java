package dev.pipewright.ops.access;

import dev.pipewright.auth.Verdict;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every refused call, on any transport, is counted ({@code pipewright_auth_refused_total}) and
 * logged the same way: what was called, from where, and why; never the token, only its public id.
 */
public final class Refusals {
  private static final Logger log = LoggerFactory.getLogger(Refusals.class);

  private final PipewrightMetrics metrics;

  public Refusals(PipewrightMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * @param target the method or path called
   * @param peer the caller's address
   */
  public void record(
      PipewrightMetrics.Transport transport, String target, String peer, Verdict.Refused refused) {
    metrics.authRefused(transport, refused.refusal());
    log.warn(
        "Refused {} {} from {} ({}): {}",
        transport.name().toLowerCase(java.util.Locale.ROOT),
        target,
        peer,
        refused.refusal().label(),
        refused.reason());
  }
}
