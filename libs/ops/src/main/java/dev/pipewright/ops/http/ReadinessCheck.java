package dev.pipewright.ops.http;

import java.util.function.BooleanSupplier;

/**
 * One dependency {@code /readyz} asks about. Returning normally means up; throwing means down, the
 * exception's message being shown. The check runs on its own virtual thread and is abandoned
 * (interrupted) past the server's readiness timeout, so it may block on I/O.
 */
@FunctionalInterface
public interface ReadinessCheck {
  void check() throws Exception;

  /** Adapts a yes/no probe, e.g. {@code queue::reachable}. */
  static ReadinessCheck of(BooleanSupplier up) {
    return () -> {
      if (!up.getAsBoolean()) {
        throw new IllegalStateException("unreachable");
      }
    };
  }
}
