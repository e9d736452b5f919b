package dev.pipewright.capabilities;

/**
 * Where a build's jobs will run, as far as what they can do depends on it.
 *
 * @param executor the installation's {@code executor} setting
 * @param containerEngine whether the local workers have a container engine (podman) for jobs with
 *     {@code container:}; the entry API cannot look at the workers' machines, so it is a setting
 *     there and a look at {@code PATH} in {@code pipewright lint} and {@code run}. Ignored on
 *     Kubernetes, where every job is a pod.
 */
public record Target(Executor executor, boolean containerEngine) {

  /** The values of the {@code executor} setting. */
  public enum Executor {
    LOCAL,
    KUBERNETES
  }

  public static Target local(boolean containerEngine) {
    return new Target(Executor.LOCAL, containerEngine);
  }

  public static Target kubernetes() {
    return new Target(Executor.KUBERNETES, true);
  }
}
