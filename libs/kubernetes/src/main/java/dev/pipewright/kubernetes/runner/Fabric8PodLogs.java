package dev.pipewright.kubernetes.runner;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** {@link PodLogs} through the API server's {@code pods/log} subresource. */
public final class Fabric8PodLogs implements PodLogs {
  private final KubernetesClient client;

  public Fabric8PodLogs(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public String read(String namespace, String pod, String container) {
    try {
      String log =
          client
              .pods()
              .inNamespace(namespace)
              .withName(pod)
              .inContainer(container)
              .usingTimestamps()
              .getLog();
      return log == null ? "" : log;
    } catch (KubernetesClientException e) {
      // 400 while the container is still waiting, 404 once the pod is gone: no log to read now.
      if (e.getCode() == 400 || e.getCode() == 404) {
        return "";
      }
      throw e;
    }
  }
}
