package dev.pipewright.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.host.container.ContainerConfig;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.ContainerSpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job's pod for what {@code container:} asks beyond its image. */
class PodManifestsTest {
  private final Path root = Path.of("/ws");
  private final PodManifests manifests = new PodManifests(MockPods.config(), root);

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
}
