package dev.pipewright.kubernetes.runner;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.time.Duration;
import java.util.Map;

/** Job runs built from inline workflow YAML, as the orchestrator would resolve them. */
final class Fixtures {
  static final KubernetesRunnerConfig CONFIG =
      new KubernetesRunnerConfig(
          "ci",
          "ci-installation",
          "pipewright-workspace",
          "debian:bookworm-slim",
          Map.of("ubuntu-latest", "ubuntu:24.04"),
          Duration.ofMinutes(30),
          1001,
          "250m",
          "256Mi",
          "2",
          "2Gi",
          Duration.ofMillis(100),
          KubernetesRunnerConfig.DEFAULT_CANCEL_GRACE);

  private Fixtures() {}

  /**
   * A workflow with one job, {@code build} on {@code ubuntu-latest}: {@code steps} (an unindented
   * YAML list).
   */
  static String buildJob(String steps) {
    return """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
        """
        + steps.indent(6);
  }

  /** The plan of job {@code build} of {@code yaml}. */
  static JobPlan planBuild(String yaml) {
    return new StepPlanner(CONFIG).plan(run("b1", yaml, "build").build());
  }

  static JobRun.Builder run(String buildId, String yaml, String jobId) {
    WorkflowSpec workflow = new WorkflowParser().parse(yaml, ".pipewright/ci.yml");
    return JobRun.builder(new JobRef(buildId, jobId), workflow, workflow.job(jobId))
        .repository(
            new RepositoryRef(
                "https://git.example/acme/app.git", null, "refs/heads/main", "abc1234"));
  }
}
