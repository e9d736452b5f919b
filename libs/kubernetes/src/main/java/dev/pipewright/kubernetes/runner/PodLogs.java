package dev.pipewright.kubernetes.runner;

/** Reads a container's log as the kubelet keeps it; the seam tests use to act as the kubelet. */
@FunctionalInterface
public interface PodLogs {
  /**
   * The whole log of a container so far, each line prefixed with its RFC 3339 timestamp and a space
   * (what {@code kubectl logs --timestamps} prints); empty when there is none yet.
   */
  String read(String namespace, String pod, String container);
}
