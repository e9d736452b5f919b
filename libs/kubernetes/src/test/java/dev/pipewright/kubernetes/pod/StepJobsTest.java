package dev.pipewright.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.executor.host.StepContainer;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.models.CiException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.HostAliasBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A docker step's Job as runner-container-hooks' k8s runContainerStep makes one: the image with its
 * entry point and arguments, the job's directories of the workspace volume at GitHub's paths, the
 * environment only in a Secret.
 */
class StepJobsTest {
  private final Path root = Path.of("/ws");
  private final StepJobs jobs = new StepJobs(MockPods.config(), root);
  private final StepContainer step =
      new StepContainer(
          "step-2.abc.a1",
          "localhost/tool:1",
          "/bin/sh",
          List.of("-c", "echo hi"),
          Map.of("INPUT_WHO", "Mona", "TOKEN", "s3cret"),
          Map.of(
              "/github/workspace", "/ws/b1/test",
              "/github/file_commands", "/ws/.pipewright/b1/test/temp/_runner_file_commands"),
          "/github/workspace");

  @Test
  void theStepsPodRunsItsImageWithTheJobsDirectoriesAtGithubsPaths() {
    Map<String, String> labels = Map.of(KubeNames.JOB_NAME_LABEL, "pw-b1-test", "x", "y");
    Job job =
        jobs.job(
            "pw-b1-test-step",
            step,
            "pw-b1-test-step",
            null,
            labels,
            Duration.ofMinutes(15),
            PodManifests.ownerReference("run", "uid"));

    assertThat(job.getMetadata().getLabels())
        .containsEntry(KubeNames.JOB_NAME_LABEL, "pw-b1-test-step")
        .containsEntry(StepJobs.STEP_LABEL, "pw-b1-test-step")
        .containsEntry("x", "y");
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getHostAliases()).isEmpty();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
    Container c = pod.getContainers().getFirst();
    assertThat(c.getName()).isEqualTo(StepJobs.CONTAINER);
    assertThat(c.getImage()).isEqualTo("localhost/tool:1");
    assertThat(c.getCommand()).containsExactly("/bin/sh");
    assertThat(c.getArgs()).containsExactly("-c", "echo hi");
    assertThat(c.getWorkingDir()).isEqualTo("/github/workspace");
    assertThat(c.getVolumeMounts())
        .extracting(m -> m.getMountPath() + " <- " + m.getSubPath())
        .containsExactlyInAnyOrder(
            "/github/workspace <- b1/test",
            "/github/file_commands <- .pipewright/b1/test/temp/_runner_file_commands");
    assertThat(c.getEnv()).isEmpty();
    assertThat(c.getEnvFrom().getFirst().getSecretRef().getName()).isEqualTo("pw-b1-test-step");
    assertThat(job.toString()).doesNotContain("s3cret");

    Secret env =
        jobs.envSecret("pw-b1-test-step", step, labels, PodManifests.ownerReference("run", "uid"));
    assertThat(env.getStringData()).containsEntry("TOKEN", "s3cret").hasSize(2);
  }

  @Test
  void withoutAnEntrypointTheImagesOwnRuns() {
    StepContainer plain =
        new StepContainer("s", "img:1", null, List.of(), Map.of(), Map.of(), "/github/workspace");
    Container c =
        jobs.job(
                "n",
                plain,
                null,
                null,
                Map.of(),
                Duration.ofMinutes(1),
                PodManifests.ownerReference("r", "u"))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst();
    assertThat(c.getCommand()).isEmpty();
    assertThat(c.getArgs()).isEmpty();
    assertThat(c.getEnvFrom()).isEmpty();
  }

  /**
   * With services, each label names the job's pod in the step's: the step's pod has a network of
   * its own, the services listen in the job's (GitHub: a docker step joins the job's network).
   */
  @Test
  void theJobsServiceLabelsNameTheJobsPod() {
    HostAlias services =
        new HostAliasBuilder().withIp("10.1.2.3").withHostnames("db", "cache").build();
    PodSpec pod =
        jobs.job(
                "n",
                step,
                "n",
                services,
                Map.of(),
                Duration.ofMinutes(1),
                PodManifests.ownerReference("r", "u"))
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getHostAliases()).containsExactly(services);
  }

  @Test
  void theServicesAreAtTheJobsPodsIpWhichAPodGoneHasNot() {
    Pod running = new PodBuilder().withNewStatus().withPodIP("10.1.2.3").endStatus().build();
    assertThat(StepJobs.servicesAt(running, List.of("db", "cache"), "job 'test'"))
        .isEqualTo(new HostAliasBuilder().withIp("10.1.2.3").withHostnames("db", "cache").build());
    assertThatThrownBy(() -> StepJobs.servicesAt(null, List.of("db"), "job 'test'"))
        .isInstanceOf(CiException.class)
        .hasMessage(
            "job 'test': the job's pod has no IP, so a docker step could not reach its services");
  }
}
