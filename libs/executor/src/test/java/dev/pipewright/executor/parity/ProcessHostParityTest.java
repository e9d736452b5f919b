package dev.pipewright.executor.parity;

import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.container.ContainerHostFactory;
import dev.pipewright.executor.host.process.ProcessHostFactory;
import dev.pipewright.executor.local.LocalRunnerConfig;
import java.nio.file.Path;

/**
 * The parity suite on the process host: jobs as processes on this machine, as the local runner
 * makes them (their services, when a case has any, in podman beside them).
 */
class ProcessHostParityTest extends ParitySuite {
  @Override
  protected JobHostFactory hosts(Path root) {
    return new ContainerHostFactory(
        new ProcessHostFactory(root, LocalRunnerConfig.DEFAULT_INHERITED_ENV), "parity");
  }
}
