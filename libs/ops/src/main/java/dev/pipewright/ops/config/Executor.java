package dev.pipewright.ops.config;

/** Where a worker runs jobs. */
public enum Executor {
  /** Process trees under {@code workspace.root}; needs no cluster. */
  LOCAL,
  /** One Kubernetes Job per workflow job on the shared workspace PVC. */
  KUBERNETES;

  /** The spelling of the setting ({@code local}, {@code kubernetes}). */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
