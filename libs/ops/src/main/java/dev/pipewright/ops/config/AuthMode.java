package dev.pipewright.ops.config;

/** Whether the services ask callers for an API token. */
public enum AuthMode {
  /** Every call but health checks carries {@code authorization: Bearer <token>}. */
  TOKEN,
  /** No authentication: only safe where nobody else reaches the ports. */
  OFF
}
