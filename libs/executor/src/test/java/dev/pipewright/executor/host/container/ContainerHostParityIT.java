package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.process.ProcessHostFactory;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.executor.parity.ParitySuite;
import dev.pipewright.parser.spec.ContainerSpec;
import dev.pipewright.parser.spec.JobSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The parity suite on the container host: every case's job runs in a podman container of the tests'
 * bash image (busybox, bash and its C libraries), with the same expectations as on the process
 * host.
 */
class ContainerHostParityIT extends ParitySuite {
  @Override
  protected JobHostFactory hosts(Path root) {
    PodmanFixture.podman();
    return new InContainer(
        new ContainerHostFactory(
            new ProcessHostFactory(root, LocalRunnerConfig.DEFAULT_INHERITED_ENV), "parity"));
  }

  /** Puts every job in the tests' image, as if its workflow said {@code container:}. */
  private record InContainer(ContainerHostFactory containers) implements JobHostFactory {
    @Override
    public JobHost open(JobRun run) {
      JobSpec j = run.job();
      JobSpec inImage =
          new JobSpec(
              j.id(),
              j.name(),
              j.needs(),
              j.ifCondition(),
              j.runsOn(),
              new ContainerSpec(
                  PodmanFixture.BASH_IMAGE, Map.of(), Map.of(), List.of(), List.of(), null),
              j.services(),
              j.env(),
              j.defaults(),
              j.outputs(),
              j.timeoutMinutes(),
              j.continueOnError(),
              j.strategy(),
              j.concurrency(),
              j.permissions(),
              j.environment(),
              j.uses(),
              j.with(),
              j.secrets(),
              j.steps(),
              j.pos(),
              j.keys());
      JobRun.Builder b =
          JobRun.builder(run.ref(), run.workflow(), inImage)
              .runNumber(run.runNumber())
              .attempt(run.attempt())
              .matrix(run.matrix())
              .strategy(run.strategy())
              .needs(run.needs())
              .vars(run.vars())
              .secrets(run.secrets())
              .inputs(run.inputs())
              .repository(run.repository())
              .github(run.github())
              .workspace(run.workspace())
              .maxTimeout(run.maxTimeout())
              .logCursors(run.logCursors());
      JobHost host = containers.open(b.build());
      assertThat(host.kind()).isEqualTo("container");
      return host;
    }

    @Override
    public boolean startedBefore(JobRun run) {
      return containers.startedBefore(run);
    }

    @Override
    public void releaseBuild(String buildId) {
      containers.releaseBuild(buildId);
    }

    @Override
    public void close() {
      containers.close();
    }
  }
}
