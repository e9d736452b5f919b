package dev.pipewright.kubernetes.pod;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a job's pod failed under it, from the pod as the API server shows it: a pure function. A
 * pod deleted, evicted, preempted, lost with its node, or whose container ended while the job ran
 * is an infrastructure failure ({@link ErrorCode#INFRASTRUCTURE}, retried on a new pod): not the
 * user's step failing. An image that cannot be pulled is the job's own problem ({@link
 * ErrorCode#PERMANENT}).
 */
final class PodFailures {
  private PodFailures() {}

  /** Waiting reasons after which the container will never start. */
  static final Set<String> FATAL_WAITING =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError");

  /**
   * @param name the pod's name, or the Job's when no pod was seen
   * @param pod the job's pod as last seen, null when there is none
   * @param seen whether the job's pod was seen before (a missing pod was then deleted)
   * @return the failure, or empty while the pod is fine (or not created yet)
   */
  static Optional<CiException> of(String name, Pod pod, boolean seen) {
    if (pod == null) {
      return seen ? infrastructure("pod " + name + " was deleted") : Optional.empty();
    }
    String podName = pod.getMetadata().getName();
    String disruption = disruption(pod);
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return infrastructure(
          "pod " + podName + " is being deleted" + (disruption == null ? "" : ": " + disruption));
    }
    var status = pod.getStatus();
    if (status == null) {
      return Optional.empty();
    }
    String phase = status.getPhase();
    if ("Failed".equals(phase) || "Succeeded".equals(phase) || "Unknown".equals(phase)) {
      String why = join(status.getReason(), status.getMessage());
      if (why == null) {
        why = disruption != null ? disruption : "phase " + phase;
      }
      if ("Unknown".equals(phase)) {
        why = "its node stopped reporting (" + why + ")";
      }
      return infrastructure("pod " + podName + " ended while the job ran: " + why);
    }
    for (ContainerStatus cs : containers(pod)) {
      ContainerStateWaiting waiting = cs.getState() == null ? null : cs.getState().getWaiting();
      if (waiting != null && FATAL_WAITING.contains(waiting.getReason())) {
        return Optional.of(
            new CiException(
                ErrorCode.PERMANENT,
                "pod "
                    + podName
                    + " cannot start its container: "
                    + join(waiting.getReason(), waiting.getMessage())));
      }
      ContainerStateTerminated ended = cs.getState() == null ? null : cs.getState().getTerminated();
      if (ended != null) {
        return infrastructure(
            "pod "
                + podName
                + ": its container ended while the job ran ("
                + join(ended.getReason(), "exit code " + ended.getExitCode())
                + ")");
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a service of the job failed to become ready, while the pod starts: a sidecar whose
   * image cannot be pulled, or that was restarted before its startup probe ever passed (its health
   * command failed {@code --health-retries} times in a row, or it exited). Unlike the kubelet,
   * which restarts it for ever, GitHub's runner fails the job then (ContainerOperationProvider.cs:
   * "Failed to initialize, {label} service is unhealthy."); so does the pod host, naming the
   * service.
   */
  static Optional<CiException> services(Pod pod) {
    if (pod == null
        || pod.getStatus() == null
        || pod.getStatus().getInitContainerStatuses() == null) {
      return Optional.empty();
    }
    for (ContainerStatus cs : pod.getStatus().getInitContainerStatuses()) {
      if (!cs.getName().startsWith(PodManifests.SERVICE_PREFIX)) {
        continue;
      }
      String label = cs.getName().substring(PodManifests.SERVICE_PREFIX.length());
      ContainerStateWaiting waiting = cs.getState() == null ? null : cs.getState().getWaiting();
      if (waiting != null && FATAL_WAITING.contains(waiting.getReason())) {
        return Optional.of(
            new CiException(
                ErrorCode.PERMANENT,
                "services."
                    + label
                    + ": the service cannot start: "
                    + join(waiting.getReason(), waiting.getMessage())));
      }
      boolean started = Boolean.TRUE.equals(cs.getStarted());
      int restarts = cs.getRestartCount() == null ? 0 : cs.getRestartCount();
      if (!started && restarts > 0) {
        // GitHub's words exactly (the parity suite compares them across hosts); the service's log
        // is printed with the job's.
        return Optional.of(
            new CiException(
                ErrorCode.PERMANENT,
                "services."
                    + label
                    + ": Failed to initialize, "
                    + label
                    + " service is unhealthy."));
      }
    }
    return Optional.empty();
  }

  /** The {@code DisruptionTarget} condition's reason: eviction, preemption, taint manager... */
  private static String disruption(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus())) {
        return join(c.getReason(), c.getMessage());
      }
    }
    return null;
  }

  private static List<ContainerStatus> containers(Pod pod) {
    List<ContainerStatus> all = pod.getStatus().getContainerStatuses();
    return all == null ? List.of() : all;
  }

  private static Optional<CiException> infrastructure(String message) {
    return Optional.of(new CiException(ErrorCode.INFRASTRUCTURE, message));
  }

  private static String join(String reason, String message) {
    if (reason == null || reason.isBlank()) {
      return message == null || message.isBlank() ? null : message;
    }
    return message == null || message.isBlank() ? reason : reason + ": " + message;
  }
}
