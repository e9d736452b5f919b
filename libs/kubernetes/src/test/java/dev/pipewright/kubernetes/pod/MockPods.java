package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.executor.engine.EngineSettings;
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
public final class MockPods extends PodHosts {
  public static final String NAMESPACE = "ci";
  public static final String INSTALLATION = "it";

  public final MockApi api;
  public final AtomicLong writes;
  public final KubernetesClient client;
  public final FakeKubelet kubelet;

  /** What the hosts run against, made before them. */
  private record Parts(
      MockApi api, AtomicLong writes, KubernetesClient client, FakeKubelet kubelet, Path root) {
    static Parts start(Path root) {
      MockApi api = new MockApi();
      AtomicLong writes = new AtomicLong();
      return new Parts(
          api,
          writes,
          api.client(writes),
          new FakeKubelet(api.client(), NAMESPACE, root, api.podLogs()),
          root);
    }
  }

  public MockPods(Path root) {
    this(Parts.start(root));
  }

  private MockPods(Parts p) {
    super(
        new PodHostFactory(p.client(), config(), p.root(), "pipewright-it"),
        p.kubelet(),
        p.client(),
        p.api());
    this.api = p.api();
    this.writes = p.writes();
    this.client = p.client();
    this.kubelet = p.kubelet();
  }

  /** The job engine on these hosts, as the pod host's tests run it, its logs into {@code sink}. */
  public EngineJobRunner runner(InMemoryLogSink sink) {
    return runner(this, sink);
  }

  /**
   * {@link #runner(InMemoryLogSink)} on other hosts (a second worker's); closing it closes them.
   */
  public EngineJobRunner runner(JobHostFactory hosts, InMemoryLogSink sink) {
    EngineSettings d = EngineSettings.defaults("pod-it");
    return new EngineJobRunner(
        "kubernetes",
        new EngineSettings(
            Duration.ofMillis(500),
            Duration.ofMillis(200),
            Duration.ofSeconds(30),
            d.logMaxChars(),
            d.logMaxDelay(),
            d.runnerName()),
        4,
        hosts,
        sink);
  }

  /** The runner's settings of these tests: any image (the fake kubelet runs /bin/sh). */
  public static KubernetesRunnerConfig config() {
    return config(INSTALLATION);
  }

  /** {@link #config()} of another installation. */
  public static KubernetesRunnerConfig config(String installation) {
    return new KubernetesRunnerConfig(
        NAMESPACE,
        installation,
        "pipewright-workspace",
        "debian:bookworm-slim",
        Map.of(),
        null,
        1000,
        null,
        null,
        null,
        null,
        Duration.ofMillis(50),
        null);
  }
}
