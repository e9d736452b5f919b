package dev.pipewright.ops.config;

/** Who may scrape {@code /metrics}. */
public enum MetricsAccess {
  /** Anyone who reaches the port: metrics name no build, log or secret. */
  OPEN,
  /** Callers with a valid API token (any role). */
  TOKEN
}
