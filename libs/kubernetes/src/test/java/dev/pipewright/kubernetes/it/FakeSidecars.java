package dev.pipewright.kubernetes.it;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link FakeKubelet}'s native sidecars (the services of a job's pod). */
final class FakeSidecars {
  private static final Logger log = LoggerFactory.getLogger(FakeSidecars.class);

  private final KubernetesClient client;
  private final String namespace;
  private final ScheduledExecutorService loop;
  private final BooleanSupplier closed;

  FakeSidecars(
      KubernetesClient client,
      String namespace,
      ScheduledExecutorService loop,
      BooleanSupplier closed) {
    this.client = client;
    this.namespace = namespace;
    this.loop = loop;
    this.closed = closed;
  }

  /**
   * Plays a pod's native sidecars as a kubelet starts them, then calls {@code then}: in order, each
   * started once its startup probe's exec command (run on this machine) exits 0, the job's
   * container only after all; a probe that fails its failure threshold in a row restarts the
   * sidecar for ever, and the job's container never starts. The sidecars' own images do not run
   * here; probes come every 50 ms whatever their period.
   */
  void start(String podName, List<Container> sidecars, Runnable then) {
    loop.execute(() -> probe(podName, sidecars, then, 0, 0));
  }

  private void probe(String podName, List<Container> sidecars, Runnable then, int at, int failed) {
    if (closed.getAsBoolean()) {
      return;
    }
    if (at == sidecars.size()) {
      then.run();
      return;
    }
    Container sidecar = sidecars.get(at);
    var startup = sidecar.getStartupProbe();
    boolean passed = startup == null || runs(startup.getExec().getCommand());
    int threshold = startup == null ? 1 : startup.getFailureThreshold();
    if (passed) {
      sidecarStatus(podName, at, status(sidecar.getName(), true, 0));
      loop.execute(() -> probe(podName, sidecars, then, at + 1, 0));
    } else if (failed + 1 >= threshold) {
      sidecarStatus(podName, at, status(sidecar.getName(), false, 1));
    } else {
      loop.schedule(
          () -> probe(podName, sidecars, then, at, failed + 1), 50, TimeUnit.MILLISECONDS);
    }
  }

  private boolean runs(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().transferTo(OutputStream.nullOutputStream());
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void sidecarStatus(String podName, int index, ContainerStatus status) {
    try {
      client
          .pods()
          .inNamespace(namespace)
          .withName(podName)
          .editStatus(
              current -> {
                Pod p = new PodBuilder(current).build();
                List<ContainerStatus> all =
                    new ArrayList<>(p.getStatus().getInitContainerStatuses());
                all.set(index, status);
                p.getStatus().setInitContainerStatuses(all);
                return p;
              });
    } catch (KubernetesClientException e) {
      log.debug("pod {} is gone: {}", podName, e.toString());
    }
  }

  /** A sidecar: running and started, or restarted {@code restarts} times after failing. */
  static ContainerStatus status(String name, boolean started, int restarts) {
    ContainerStatusBuilder b =
        new ContainerStatusBuilder()
            .withName(name)
            .withStarted(started)
            .withRestartCount(restarts)
            .withState(
                new ContainerStateBuilder()
                    .withNewRunning()
                    .withStartedAt(Instant.now().toString())
                    .endRunning()
                    .build());
    if (restarts > 0) {
      b.withLastState(
          new ContainerStateBuilder()
              .withNewTerminated()
              .withExitCode(137)
              .withReason("Error")
              .endTerminated()
              .build());
    }
    return b.build();
  }
}
