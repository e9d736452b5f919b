package dev.pipewright.capabilities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {
  private static final Target NO_PODMAN = Target.local(false);
  private static final Target PODMAN = Target.local(true);
  private static final Target PODS = Target.kubernetes();

  private static WorkflowSpec parse(String yaml) {
    return new WorkflowParser().parse(yaml, "ci.yml");
  }

  private static List<String> check(String yaml, Target target) {
    return Capabilities.check(parse(yaml), target).stream().map(Finding::format).toList();
  }

  @Test
  void runStepsAndTheBuiltInCheckoutRunEverywhere() {
    String yaml =
        """
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
                with: {fetch-depth: 0, path: src, persist-credentials: false}
              - run: make test
        """;
    for (Target target : List.of(NO_PODMAN, PODMAN, PODS)) {
      assertThat(check(yaml, target)).as("%s", target).isEmpty();
    }
  }

  /**
   * container: and services: run in podman on local workers and in the job's pod on Kubernetes;
   * what a host cannot do of their fields is ContainerSupport's (libs/executor).
   */
  @Test
  void containersAndServicesNeedAContainerEngineOnTheLocalExecutor() {
    String yaml =
        """
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            container: node:20
            services:
              redis: redis:7
            steps:
              - run: node --version
        """;
    assertThat(check(yaml, NO_PODMAN))
        .containsExactly(
            "ci.yml:5:5: error: job 'test' sets 'container:', but the local workers have no"
                + " container engine (podman)\n"
                + "  hint: install podman on the workers (and say so in the configuration), or"
                + " remove 'container:'",
            "ci.yml:6:5: error: job 'test' sets 'services:', but the local workers have no"
                + " container engine (podman)\n"
                + "  hint: install podman on the workers (and say so in the configuration), or"
                + " remove 'services:'");
    assertThat(check(yaml, PODMAN)).isEmpty();
    assertThat(check(yaml, PODS)).isEmpty();
  }

  @Test
  void actionsAreWarningsADockerStepNeedsAContainerEngineAndACallIsNeither() {
    String yaml =
        """
        on: push
        jobs:
          call:
            uses: ./.github/workflows/build.yml
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/setup-node@v4
              - uses: ./.github/actions/local
              - uses: docker://alpine:3.20
        """;
    String remote =
        "warning ci.yml:8:9: step 1 of job 'test' uses the action 'actions/setup-node@v4': it runs"
            + " if it is a composite, JavaScript (node20, node24) or docker action of a 'docker://'"
            + " image; Dockerfile images are not run yet and fail their step";
    String local =
        "warning ci.yml:9:9: step 2 of job 'test' uses the local action './.github/actions/local':"
            + " it runs if it is a composite, JavaScript (node20, node24) or docker action of a"
            + " 'docker://' image; Dockerfile images are not run yet and fail their step";
    for (Target target : List.of(PODMAN, PODS)) {
      assertThat(Capabilities.check(parse(yaml), target))
          .as("%s", target)
          .extracting(f -> (f.isError() ? "error " : "warning ") + f.diagnostic().brief())
          .containsExactly(remote, local);
    }
    assertThat(Capabilities.check(parse(yaml), NO_PODMAN))
        .extracting(f -> (f.isError() ? "error " : "warning ") + f.diagnostic().brief())
        .containsExactly(
            remote,
            local,
            "error ci.yml:10:9: step 3 of job 'test' uses a 'docker://' step, but the local workers"
                + " have no container engine (podman)");
  }

  @Test
  void keysTheEngineDoesNotHonourAreWarningsAtTheirKey() {
    String yaml =
        """
        on: push
        permissions: read-all
        concurrency: ci-${{ github.ref }}
        jobs:
          deploy:
            runs-on: [self-hosted, windows-latest]
            environment: production
            concurrency: deploy
            permissions: {contents: write}
            steps:
              - uses: actions/checkout@v4
                with:
                  submodules: recursive
                  persist-credentials: false
                  fetch-tags: false
        """;
    List<Finding> findings = Capabilities.check(parse(yaml), PODS);
    assertThat(findings).noneMatch(Finding::isError);
    assertThat(findings)
        .extracting(f -> f.diagnostic().brief())
        .containsExactly(
            "ci.yml:2:1: 'permissions' of the workflow has no effect: jobs get no GITHUB_TOKEN",
            "ci.yml:3:1: 'concurrency' of the workflow is not honoured: builds and jobs of one"
                + " group run side by side and none is cancelled",
            "ci.yml:6:5: job 'deploy' runs on 'windows-latest', but every executor runs jobs on"
                + " Linux, not Windows",
            "ci.yml:7:5: job 'deploy' names the environment 'production': environments are not"
                + " honoured (no protection rules, no environment secrets or variables, no"
                + " deployment)",
            "ci.yml:8:5: 'concurrency' of job 'deploy' is not honoured: builds and jobs of one"
                + " group run side by side and none is cancelled",
            "ci.yml:9:5: 'permissions' of job 'deploy' has no effect: jobs get no GITHUB_TOKEN",
            "ci.yml:11:9: step 1 of job 'deploy': the built-in actions/checkout ignores"
                + " 'submodules' (it behaves as 'false')");
    assertThat(findings.getFirst().format())
        .isEqualTo(
            "ci.yml:2:1: warning: 'permissions' of the workflow has no effect: jobs get no"
                + " GITHUB_TOKEN");
  }

  @Test
  void requireThrowsEveryErrorAndReturnsTheWarnings() {
    WorkflowSpec bad =
        parse(
            """
            on: push
            concurrency: ci
            jobs:
              a:
                runs-on: ubuntu-latest
                services: {db: postgres}
                steps: [{uses: "docker://alpine:3.20"}]
            """);
    assertThatThrownBy(() -> Capabilities.require(bad, NO_PODMAN))
        .isInstanceOfSatisfying(
            WorkflowException.class,
            e -> assertThat(e.diagnostics()).extracting(Diagnostic::line).containsExactly(6, 7));
    WorkflowSpec good =
        parse("on: push\nconcurrency: ci\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n");
    assertThat(Capabilities.require(good, PODS)).hasSize(1).noneMatch(Finding::isError);
  }

  /**
   * The engine's own check of a job: every warning, and the errors of the job's keys that hold on
   * every target; not what depends on the worker (a container engine), nor a step's action, which
   * fails that step when it is reached; an action's warning (it runs if composite) is kept.
   */
  @Test
  void forJobKeepsOnlyWhatHoldsOnEveryTarget() {
    WorkflowSpec spec =
        parse(
            """
            on: push
            permissions: read-all
            jobs:
              a:
                runs-on: ubuntu-latest
                container: node:20
                services: {db: postgres}
                steps:
                  - uses: actions/cache@v4
                  - uses: actions/checkout@v4
                    with: {lfs: true}
              b:
                uses: ./.github/workflows/b.yml
            """);
    assertThat(Capabilities.forJob(spec, spec.job("a")))
        .extracting(f -> f.severity() + " " + f.diagnostic().line())
        .containsExactly("WARNING 2", "WARNING 9", "WARNING 10");
    assertThat(Capabilities.forJob(spec, spec.job("b")))
        .extracting(f -> f.severity() + " " + f.diagnostic().line())
        .containsExactly("WARNING 2");
  }
}
