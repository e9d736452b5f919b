package dev.pipewright.executor.parity;

import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.process.ProcessHostFactory;
import dev.pipewright.executor.local.LocalRunnerConfig;
import java.nio.file.Path;

/** The parity suite on the process host: jobs as processes on this machine. */
class ProcessHostParityTest extends ParitySuite {
  @Override
  protected JobHostFactory hosts(Path root) {
    return new ProcessHostFactory(root, LocalRunnerConfig.DEFAULT_INHERITED_ENV);
  }
}
