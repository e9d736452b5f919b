package dev.pipewright.kubernetes.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
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

  /** Every object says which installation it belongs to: each worker watches only its own. */
  @Test
  void theJobItsPodAndTheSecretCarryTheInstallationLabel() {
    Job job = manifests.job(plan(), owner);
    Secret secret = manifests.secret(plan(), owner);
    for (Map<String, String> labels :
        List.of(
            job.getMetadata().getLabels(),
            job.getSpec().getTemplate().getMetadata().getLabels(),
            secret.getMetadata().getLabels())) {
      assertThat(labels)
          .containsEntry("pipewright.dev/installation", "ci-installation")
          .containsEntry("app.kubernetes.io/managed-by", "pipewright")
          .containsEntry("pipewright.dev/build", "b1");
    }
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
    // The wrapper travels once in the build Secret, not in every container of every Job.
    assertThat(test.getCommand()).containsExactly("/bin/sh", "/pipewright/files/wrapper.sh");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getSecret().getItems())
                    .anyMatch(
                        i ->
                            i.getKey().equals(JobManifests.WRAPPER_KEY)
                                && i.getPath().equals("wrapper.sh")));
    assertThat(JobManifests.secretData(plan())).containsKey(JobManifests.WRAPPER_KEY);
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
    // The volume types "restricted" allows that a pod of ours uses.
    assertThat(pod.getVolumes())
        .allMatch(
            v ->
                v.getPersistentVolumeClaim() != null
                    || v.getEmptyDir() != null
                    || v.getSecret() != null
                    || v.getDownwardAPI() != null);
  }

  @Test
  void everyContainerSeesThePodsAnnotationsThroughARefreshedDownwardApiVolume() {
    PodSpec pod = manifests.job(plan(), owner).getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getDownwardAPI() != null)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getName()).isEqualTo("podinfo");
              assertThat(v.getDownwardAPI().getItems())
                  .singleElement()
                  .satisfies(
                      i -> {
                        assertThat(i.getPath()).isEqualTo("annotations");
                        assertThat(i.getFieldRef().getFieldPath())
                            .isEqualTo("metadata.annotations");
                      });
            });
    for (Container c : concat(pod)) {
      assertThat(c.getVolumeMounts())
          .as(c.getName())
          .filteredOn(m -> m.getName().equals("podinfo"))
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.getMountPath()).isEqualTo(StepPlanner.PODINFO_DIR);
                assertThat(m.getReadOnly()).isTrue();
                // The kubelet never refreshes a downward API file mounted by subPath.
                assertThat(m.getSubPath()).isNull();
              });
    }
    // The wrapper reads that file where the volume is mounted, and the runner's annotation.
    assertThat(JobManifests.WRAPPER)
        .contains(
            "${PW_PODINFO_DIR:-" + StepPlanner.PODINFO_DIR + "}",
            KubeNames.CANCEL_ANNOTATION + "=");
  }

  @Test
  void secretValuesStayInTheSecretAndReachOnlyTheStepsThatReadThemByReference() {
    String yaml =
        """
        on: push
        env:
          DERIVED: pre-${{ secrets.TOKEN }}
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: echo no secret here
                env:
                  TOKEN: ${{ secrets.TOKEN }}
                  SHOUT: ${{ format('{0}!', env.TOKEN) }}
              - run: make test TOKEN=${{ secrets.TOKEN }} OTHER=${{ secrets.OTHER || 'none' }}
              - uses: actions/checkout@v4
                with:
                  token: ${{ secrets.TOKEN }}
        """;
    JobPlan plan =
        new StepPlanner(Fixtures.CONFIG)
            .plan(
                Fixtures.run("b1", yaml, "build")
                    .secrets(Map.of("TOKEN", "s3cr3t", "OTHER", "0th3r"))
                    .build());
    String jobYaml = Serialization.asYaml(manifests.job(plan, owner));
    assertThat(jobYaml).doesNotContain("s3cr3t", "0th3r");
    Secret secret = manifests.secret(plan, owner);
    Map<String, String> decoded = new java.util.TreeMap<>();
    secret
        .getData()
        .forEach(
            (k, v) ->
                decoded.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    // Scripts and env files hold holes; the values are keys of their own.
    decoded.forEach(
        (k, v) -> {
          if (!k.startsWith(plan.jobName() + ".v")) {
            assertThat(v).as(k).doesNotContain("s3cr3t", "0th3r");
          }
        });
    assertThat(decoded)
        .containsEntry(JobPlan.valueKey(plan.jobName(), 0), "s3cr3t")
        .containsEntry(JobPlan.valueKey(plan.jobName(), 1), "s3cr3t!")
        .containsEntry(JobPlan.valueKey(plan.jobName(), 2), "0th3r")
        .doesNotContainKey(JobPlan.valueKey(plan.jobName(), 3));
    assertThat(decoded.get(JobPlan.fileKey(plan.jobName(), 1, "env")))
        .startsWith("DERIVED=$(pw_expand 'pre-@pw@v.0@pw@'; printf x)");
    assertThat(decoded.get(JobPlan.fileKey(plan.jobName(), 2, "script")))
        .isEqualTo("make test TOKEN=@pw@v.0@pw@ OTHER=@pw@v.2@pw@");

    PodSpec pod = manifests.job(plan, owner).getSpec().getTemplate().getSpec();
    String secretName = KubeNames.secretName("b1");
    for (Container c : pod.getInitContainers()) {
      for (EnvVar e : c.getEnv()) {
        if (e.getName().startsWith("PW_V_")) {
          assertThat(e.getValue()).isNull();
          assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(secretName);
          assertThat(decoded).containsKey(e.getValueFrom().getSecretKeyRef().getKey());
        }
      }
    }
    // The workflow env (DERIVED) is every step's; SHOUT only step 1's; step 2 reads OTHER too;
    // the checkout's token: input is not used, so not read.
    String v = plan.jobName() + ".v";
    assertThat(secretRefs(pod.getInitContainers().get(0))).containsExactly(v + 0, v + 1);
    assertThat(secretRefs(pod.getInitContainers().get(1))).containsExactly(v + 0, v + 2);
    assertThat(secretRefs(pod.getInitContainers().get(2))).containsExactly(v + 0);
    assertThat(pod.getContainers().getFirst().getEnv()).noneMatch(e -> e.getValueFrom() != null);
    assertThat(secret.getMetadata().getOwnerReferences()).containsExactly(owner);
    assertThat(secret.getMetadata().getName()).isEqualTo("pw-b1-secrets");
  }

  private static java.util.List<String> secretRefs(Container c) {
    return c.getEnv().stream()
        .filter(e -> e.getValueFrom() != null)
        .map(e -> e.getValueFrom().getSecretKeyRef().getKey())
        .toList();
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
