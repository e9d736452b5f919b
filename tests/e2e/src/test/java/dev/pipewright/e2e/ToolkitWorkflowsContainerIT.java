package dev.pipewright.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.executor.host.container.PodmanFixture;
import dev.pipewright.secrets.SecretKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 on the container host: the workflows of {@link ToolkitWorkflows} with {@code container:}
 * on every job, so the worker (the process executor with podman) runs each job in a podman
 * container of the tests' toolkit image (static busybox, this machine's node and GNU tar:
 * images/build-test-image --toolkit). The worker is given the entry API's URL on loopback, as on
 * the process host; the container host hands the jobs {@code host.containers.internal} instead
 * (HostLoopback), where the entry API listens since it binds every interface here, as a worker with
 * job containers needs it to. The same expected results as on the process and pod hosts. Skipped
 * with the reason where podman cannot run (PodmanFixture), a failure under {@code
 * PIPEWRIGHT_REQUIRE_CONTAINER_ENGINE=1}.
 */
class ToolkitWorkflowsContainerIT extends ToolkitWorkflowsSuite {
  /**
   * Shell lines that write {@code reach.js}, which prints the URLs its step got and whether
   * anything answers there.
   */
  private static final String WRITE_REACH_JS =
      """
      cat > reach.js <<'EOF'
      console.log("results at " + process.env.ACTIONS_RESULTS_URL
        + ", caches at " + process.env.ACTIONS_CACHE_URL);
      fetch(process.env.ACTIONS_RESULTS_URL).then(
        r => console.log("reached: HTTP " + r.status),
        e => console.log("unreachable: " + (e.cause?.code ?? e.message)));
      EOF
      """;

  /** {@code reach.js} in a job container (the image for its {@code %s}). */
  private static final String REACH =
      """
      on: push
      jobs:
        reach:
          runs-on: ubuntu-latest
          container: %s
          steps:
            - run: |
      """
          + WRITE_REACH_JS.indent(10)
          + "          node reach.js\n";

  /**
   * {@code reach.js} from a docker step of a job without {@code container:} (the image for its
   * {@code %s}): the step before it, on the worker's host, writes the script.
   */
  private static final String REACH_FROM_DOCKER_STEP =
      """
      on: push
      jobs:
        reach:
          runs-on: ubuntu-latest
          steps:
            - run: |
      """
          + WRITE_REACH_JS.indent(10)
          + """
            - uses: docker://%s
              with:
                entrypoint: node
                args: reach.js
            """
              .indent(6);

  @Override
  protected Installation install(Path offline, Path keyFile) throws Exception {
    String unavailable = PodmanFixture.unavailableOrToolkitImage();
    Assumptions.assumeTrue(unavailable == null, () -> "container host skipped: " + unavailable);
    // Every interface: the containers reach the machine on the podman network's side.
    return withLocalWorker(
        installation("toolkitcontainer", keyFile, "0.0.0.0"), "toolkit-container-worker", offline);
  }

  @Override
  protected String jobContainer() {
    return PodmanFixture.TOOLKIT_IMAGE;
  }

  @Override
  protected String repository() {
    return "acme/toolkit-container";
  }

  @Test
  void aJobContainerGetsTheEntryApiAtTheNamePodmanGivesTheMachine() {
    assertReachedAtTheNamePodmanGivesTheMachine(reach(pw(), REACH));
  }

  /**
   * An entry API on loopback only, as by default: the job's log says why the services cannot work
   * from its container and what to change, and indeed nothing answers there.
   */
  @Test
  void anEntryApiListeningOnLoopbackOnlyIsNamedInTheJobsLog(@TempDir Path dir) throws Exception {
    Path key = Files.writeString(dir.resolve("secret.key"), SecretKeys.newKeyLine("k1"));
    try (Installation loopback = installation("toolkitloopback", key)) {
      withLocalWorker(loopback, "toolkit-loopback-worker", dir.resolve("offline"));
      String url = "http://127.0.0.1:" + loopback.httpPort();
      String log = reach(loopback, REACH);
      assertThat(log)
          .contains(
              "the entry API's URL "
                  + url
                  + "/ is the worker's loopback, which a job container reaches as"
                  + " http://host.containers.internal:"
                  + loopback.httpPort()
                  + "/")
          .contains("where nothing answers")
          .contains("listeners.bind-address")
          .contains("unreachable: ECONNREFUSED");
    }
  }

  /**
   * A docker step of a job on the worker's host runs in podman's default network, as a job
   * container does: it gets the entry API where the container reaches the machine, not the worker's
   * loopback its job's other steps get (the container's own loopback there, where nothing answers).
   */
  @Test
  void aDockerStepOfAJobOnTheWorkersHostGetsTheEntryApiAtTheNamePodmanGivesTheMachine() {
    assertReachedAtTheNamePodmanGivesTheMachine(reach(pw(), REACH_FROM_DOCKER_STEP));
  }

  /** The log of {@link #REACH}, or its docker step's, when the container reached the entry API. */
  private void assertReachedAtTheNamePodmanGivesTheMachine(String log) {
    String url = "http://host.containers.internal:" + pw().httpPort() + "/";
    assertThat(log)
        .contains("results at " + url + ", caches at " + url + "\n")
        .contains("reached: HTTP ")
        .doesNotContain("nothing answers");
  }

  /**
   * Runs {@code workflow} (its job {@code reach}, the toolkit image for its {@code %s}) on {@code
   * installation}, which must succeed; returns its log.
   */
  private String reach(Installation installation, String workflow) {
    String id = installation.start(workflow.formatted(PodmanFixture.TOOLKIT_IMAGE));
    Build built = installation.awaitEnd(id, atMost());
    String log = installation.logText(id, "reach");
    assertThat(built.getStatus()).as(log).isEqualTo(BuildStatus.BUILD_STATUS_SUCCEEDED);
    return log;
  }
}
