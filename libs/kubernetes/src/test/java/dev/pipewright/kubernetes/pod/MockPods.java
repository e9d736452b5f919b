package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.kubernetes.MockApi;
import dev.pipewright.kubernetes.it.FakeKubelet;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pod hosts against Fabric8's mock API server with the {@link FakeKubelet} running the pods on this
 * machine; closing it closes all three. The workspace volume is {@code root}.
 */
public final class MockPods implements JobHostFactory {
  public static final String NAMESPACE = "ci";
  public static final String INSTALLATION = "it";

  public final MockApi api = new MockApi();
  public final AtomicLong writes = new AtomicLong();
  public final KubernetesClient client = api.client(writes);
  public final FakeKubelet kubelet;
  public final PodHostFactory pods;

  public MockPods(Path root) {
    kubelet = new FakeKubelet(api.client(), NAMESPACE, root);
    pods = new PodHostFactory(client, config(), root, "pipewright-it");
  }

  /** The runner's settings of these tests: any image (the fake kubelet runs /bin/sh). */
  public static KubernetesRunnerConfig config() {
    return new KubernetesRunnerConfig(
        NAMESPACE,
        INSTALLATION,
        "pipewright-workspace",
        "debian:bookworm-slim",
        Map.of(),
        null,
        1000,
        null,
        null,
        null,
        null,
        Duration.ofMillis(50));
  }

  @Override
  public JobHost open(JobRun run) {
    return pods.open(run);
  }

  @Override
  public boolean startedBefore(JobRun run) {
    return pods.startedBefore(run);
  }

  @Override
  public void releaseBuild(String buildId) {
    pods.releaseBuild(buildId);
  }

  @Override
  public void close() {
    pods.close();
    kubelet.close();
    client.close();
    api.close();
  }
}
