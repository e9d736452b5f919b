package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.container.PodmanFixture;
import dev.pipewright.executor.parity.ParitySuite;
import java.nio.file.Path;

/**
 * The parity suite on the pod host, against Fabric8's mock API server with the {@link
 * dev.pipewright.kubernetes.it.FakeKubelet} running each job's pod agent with this machine's {@code
 * /bin/sh}: the same cases and expectations as on the process and container hosts.
 */
class PodHostParityIT extends ParitySuite {
  @Override
  protected JobHostFactory hosts(Path root) {
    return new MockPods(root);
  }

  /**
   * The fake kubelet plays services (their health commands run on this machine) and runs docker
   * step pods in podman, with the tests' images.
   */
  @Override
  protected String containersUnavailable() {
    return PodmanFixture.unavailable();
  }
}
