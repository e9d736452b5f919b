package dev.pipewright.kubernetes.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobManifestsTest {
  private final JobManifests manifests = new JobManifests(Fixtures.CONFIG);
  private final OwnerReference owner = JobManifests.ownerReference("build-b1", "uid-1");

  private JobPlan plan() {
    return new StepPlanner(Fixtures.CONFIG)
        .plan(
            Fixtures.run("b1", StepPlannerTest.WORKFLOW, "build")
                .secrets(Map.of("TOKEN", "s3cr3t"))
                .build());
  }

  @Test
  void jobYamlHasTheContractFields() {
    String yaml = Serialization.asYaml(manifests.job(plan(), owner));
    assertThat(yaml)
        .contains("name: \"pw-b1-build\"")
        .contains("namespace: \"ci\"")
        .contains("app.kubernetes.io/managed-by: \"pipewright\"")
        .contains("pipewright.dev/build: \"b1\"")
        .contains("pipewright.dev/job: \"build\"")
        .contains("backoffLimit: 0")
        .contains("activeDeadlineSeconds: 600")
        .contains("ttlSecondsAfterFinished: 1800")
        .contains("restartPolicy: \"Never\"")
        .contains("claimName: \"pipewright-workspace\"")
        .contains("subPath: \"b1\"")
        .contains("secretName: \"pw-b1-secrets\"");
  }

  @Test
  void ownerIsTheControllingPipelineRun() {
    Job job = manifests.job(plan(), owner);
    OwnerReference ref = job.getMetadata().getOwnerReferences().getFirst();
    assertThat(ref.getApiVersion()).isEqualTo("pipewright.dev/v1alpha1");
    assertThat(ref.getKind()).isEqualTo("PipelineRun");
    assertThat(ref.getController()).isTrue();
    assertThat(ref.getUid()).isEqualTo("uid-1");
  }

  @Test
  void oneInitContainerPerStepInOrderThenTheFinishContainer() {
    PodSpec pod = manifests.job(plan(), owner).getSpec().getTemplate().getSpec();
    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .satisfiesExactly(
            n -> assertThat(n).startsWith("step-1-actions-checkout-v4"),
            n -> assertThat(n).startsWith("step-2-test"),
            n -> assertThat(n).startsWith("step-3-lint"),
            n -> assertThat(n).startsWith("step-4-report"),
            n -> assertThat(n).startsWith("step-5-always"));
    assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("finish");
    Container test = pod.getInitContainers().get(1);
    assertThat(test.getImage()).isEqualTo("ubuntu:24.04");
    assertThat(test.getCommand()).startsWith("/bin/sh", "-c").hasSize(4);
    assertThat(test.getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .contains("PW_STEP=2", "PW_RUN_WHEN=success", "PW_TIMEOUT=120", "PW_WORKDIR=/workspace");
    assertThat(pod.getInitContainers().get(3).getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .contains("PW_RUN_WHEN=failure");
    assertThat(test.getResources().getLimits().get("memory").toString()).isEqualTo("2Gi");
  }

  @Test
  void podsMeetTheRestrictedPodSecurityStandard() {
    PodSpec pod = manifests.job(plan(), owner).getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    for (Container c : concat(pod)) {
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(c.getSecurityContext().getPrivileged()).isNull();
    }
    assertThat(pod.getVolumes()).noneMatch(v -> v.getHostPath() != null);
  }

  @Test
  void secretValuesStayInTheSecret() {
    JobPlan plan = plan();
    String jobYaml = Serialization.asYaml(manifests.job(plan, owner));
    assertThat(jobYaml).doesNotContain("s3cr3t");
    Secret secret = manifests.secret(plan, owner);
    String script =
        new String(
            Base64.getDecoder()
                .decode(secret.getData().get(JobPlan.fileKey(plan.jobName(), 2, "script"))),
            StandardCharsets.UTF_8);
    assertThat(script).isEqualTo("make test TOKEN=s3cr3t");
    assertThat(secret.getMetadata().getOwnerReferences()).containsExactly(owner);
    assertThat(secret.getMetadata().getName()).isEqualTo("pw-b1-secrets");
  }

  @Test
  void buildingTwiceGivesEqualObjects() {
    assertThat(manifests.job(plan(), owner)).isEqualTo(manifests.job(plan(), owner));
  }

  private static java.util.List<Container> concat(PodSpec pod) {
    java.util.List<Container> all = new java.util.ArrayList<>(pod.getInitContainers());
    all.addAll(pod.getContainers());
    return all;
  }
}
