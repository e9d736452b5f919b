package dev.pipewright.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.host.container.ContainerConfig;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.ContainerSpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's pod for what {@code container:} asks beyond its image. */
class PodManifestsTest {
  private final Path root = Path.of("/ws");
  private PodManifests manifests = new PodManifests(MockPods.config(), root);

  private PodSpec pod(ContainerConfig container) {
    WorkflowSpec wf =
        new WorkflowParser()
            .parse(
                "on: push\njobs:\n  test:\n    runs-on: x\n    steps: [{run: 'true'}]\n", "a.yml");
    JobRun run = JobRun.builder(new JobRef("b1", "test"), wf, wf.job("test")).build();
    return manifests
        .job(
            run,
            new PodManifests.JobPod("img:1", container, Map.of(), null, null),
            List.of(root.resolve("b1/test")),
            "/ws/.pipewright/b1/test/pod-a1",
            Duration.ofMinutes(5),
            PodManifests.ownerReference("run", "uid"))
        .getSpec()
        .getTemplate()
        .getSpec();
  }

  @Test
  void theEntrypointRunsTheAgentAsItsArgumentsInTheWorkdirUnderTheHostname() {
    ContainerConfig c =
        ContainerConfig.of(
            "test",
            new ContainerSpec(
                "img:1",
                null,
                null,
                List.of("8080"),
                null,
                "--entrypoint /entry.sh -w /src -h builder"),
            Map.of());
    PodSpec pod = pod(c);
    var job = pod.getContainers().getFirst();
    assertThat(job.getCommand()).containsExactly("/entry.sh");
    assertThat(job.getArgs()).isEqualTo(PodAgent.command("/ws/.pipewright/b1/test/pod-a1"));
    assertThat(job.getWorkingDir()).isEqualTo("/src");
    assertThat(job.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(8080);
    assertThat(pod.getHostname()).isEqualTo("builder");
    assertThat(pod.getInitContainers()).isEmpty();
    assertThat(pod.getHostAliases()).isEmpty();
    assertThat(pod.getImagePullSecrets()).isEmpty();
  }

  @Test
  void withoutOptionsTheAgentIsTheCommand() {
    var job = pod(null).getContainers().getFirst();
    assertThat(job.getCommand()).isEqualTo(PodAgent.command("/ws/.pipewright/b1/test/pod-a1"));
    assertThat(job.getArgs()).isEmpty();
    assertThat(job.getWorkingDir()).isNull();
  }

  /**
   * With {@code kubernetes.node-image}, an init container of that image copies its Node.js into an
   * emptyDir the job's container sees at {@code /__e/node}, for the JavaScript actions of an image
   * without one (the pod host's counterpart of the runner's externals mounted at {@code /__e}).
   */
  @Test
  void aNodeImageIsCopiedByAnInitContainerIntoTheJobsContainer() {
    KubernetesRunnerConfig c = MockPods.config();
    manifests =
        new PodManifests(
            new KubernetesRunnerConfig(
                c.namespace(),
                c.installation(),
                c.workspaceClaim(),
                c.defaultImage(),
                c.runsOnImages(),
                c.ttlAfterFinished(),
                c.runAsUser(),
                c.cpuRequest(),
                c.memoryRequest(),
                c.cpuLimit(),
                c.memoryLimit(),
                c.logPollInterval(),
                "node:20-slim"),
            root);
    PodSpec pod = pod(null);
    assertThat(pod.getInitContainers()).hasSize(1);
    var init = pod.getInitContainers().getFirst();
    assertThat(init.getImage()).isEqualTo("node:20-slim");
    assertThat(init.getCommand())
        .containsExactly("/bin/sh", "-c", PodManifests.NODE_COPY, "/__e/node");
    assertThat(init.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .containsExactly("/__e/node");
    assertThat(pod.getContainers().getFirst().getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo(PodManifests.NODE_VOLUME);
              assertThat(m.getMountPath()).isEqualTo("/__e/node");
            });
    assertThat(pod.getVolumes())
        .anySatisfy(v -> assertThat(v.getEmptyDir()).as(v.getName()).isNotNull());
  }

  /**
   * The init container's script, run here on this machine's {@code node}: its copy, with the
   * libraries it loads and its loader, runs from the directory through the {@code node} script.
   */
  @Test
  void theCopiedNodeRunsFromItsDirectory(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        new ProcessBuilder("sh", "-c", "command -v node && command -v ldd").start().waitFor() == 0,
        "node and ldd on this machine");
    Path target = dir.resolve("node-dir");
    Process copy =
        new ProcessBuilder("/bin/sh", "-c", PodManifests.NODE_COPY, target.toString())
            .redirectErrorStream(true)
            .start();
    String copied = new String(copy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(copy.waitFor()).as(copied).isZero();
    Process run =
        new ProcessBuilder(target.resolve("node").toString(), "-e", "console.log(6 * 7)")
            .redirectErrorStream(true)
            .start();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor()).as(out).isZero();
    assertThat(out.strip()).isEqualTo("42");
    assertThat(Files.readString(target.resolve("node"))).contains("--library-path");
  }
}
