package dev.pipewright.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 7: a pod deleted, evicted, preempted or lost with its node is an infrastructure
 * failure, whatever the step was doing; a pod that is fine is none.
 */
class PodFailuresTest {
  private static PodBuilder pod(String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("pw-b-test-x1")
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus();
  }

  private static ContainerStatus container(ContainerStateBuilder state) {
    return new ContainerStatusBuilder().withName("job").withState(state.build()).build();
  }

  private static Optional<CiException> of(Pod pod, boolean seen) {
    return PodFailures.of("pw-b-test", pod, seen);
  }

  @Test
  void aRunningPodOrOneNotCreatedYetIsFine() {
    assertThat(of(pod("Running").build(), true)).isEmpty();
    assertThat(of(pod("Pending").build(), false)).isEmpty();
    assertThat(of(null, false)).isEmpty();
  }

  @Test
  void aPodGoneOrBeingDeletedIsInfrastructure() {
    CiException gone = of(null, true).orElseThrow();
    assertThat(gone.code()).isEqualTo(ErrorCode.INFRASTRUCTURE);
    assertThat(gone.getMessage()).isEqualTo("pod pw-b-test was deleted");

    Pod evicted =
        pod("Running")
            .editMetadata()
            .withDeletionTimestamp("2026-12-07T00:00:00Z")
            .endMetadata()
            .editStatus()
            .addToConditions(
                new PodConditionBuilder()
                    .withType("DisruptionTarget")
                    .withStatus("True")
                    .withReason("PreemptionByScheduler")
                    .withMessage("preempted by a higher-priority pod")
                    .build())
            .endStatus()
            .build();
    CiException e = of(evicted, true).orElseThrow();
    assertThat(e.code()).isEqualTo(ErrorCode.INFRASTRUCTURE);
    assertThat(e.getMessage())
        .isEqualTo(
            "pod pw-b-test-x1 is being deleted: PreemptionByScheduler: preempted by a"
                + " higher-priority pod");
  }

  @Test
  void anEvictedFailedOrNodeLostPodIsInfrastructure() {
    Pod evicted =
        pod("Failed")
            .editStatus()
            .withReason("Evicted")
            .withMessage("The node was low on resource: memory.")
            .endStatus()
            .build();
    assertThat(of(evicted, true).orElseThrow().getMessage())
        .isEqualTo(
            "pod pw-b-test-x1 ended while the job ran: Evicted: The node was low on resource:"
                + " memory.");
    CiException lost = of(pod("Unknown").build(), true).orElseThrow();
    assertThat(lost.code()).isEqualTo(ErrorCode.INFRASTRUCTURE);
    assertThat(lost.getMessage()).contains("its node stopped reporting");
  }

  @Test
  void aContainerEndedUnderTheJobIsInfrastructureAndAnImageThatCannotBePulledIsPermanent() {
    Pod oomKilled =
        pod("Running")
            .editStatus()
            .addToContainerStatuses(
                container(
                    new ContainerStateBuilder()
                        .withNewTerminated()
                        .withReason("OOMKilled")
                        .withExitCode(137)
                        .endTerminated()))
            .endStatus()
            .build();
    CiException ended = of(oomKilled, true).orElseThrow();
    assertThat(ended.code()).isEqualTo(ErrorCode.INFRASTRUCTURE);
    assertThat(ended.getMessage()).contains("OOMKilled: exit code 137");

    Pod pull =
        pod("Pending")
            .editStatus()
            .addToContainerStatuses(
                container(
                    new ContainerStateBuilder()
                        .withNewWaiting()
                        .withReason("ImagePullBackOff")
                        .withMessage("Back-off pulling image \"nope:1\"")
                        .endWaiting()))
            .endStatus()
            .build();
    CiException refused = of(pull, true).orElseThrow();
    assertThat(refused.code()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(refused.getMessage())
        .isEqualTo(
            "pod pw-b-test-x1 cannot start its container: ImagePullBackOff: Back-off pulling"
                + " image \"nope:1\"");
  }

  private static ContainerStatus sidecar(String name, boolean started, int restarts) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withStarted(started)
        .withRestartCount(restarts)
        .withState(new ContainerStateBuilder().withNewRunning().endRunning().build())
        .build();
  }

  @Test
  void aServiceRestartedBeforeItsProbePassedOrWhoseImageCannotBePulledFailsNamingIt() {
    Pod starting =
        pod("Pending")
            .editStatus()
            .withInitContainerStatuses(sidecar("svc-db", true, 0), sidecar("svc-cache", false, 0))
            .endStatus()
            .build();
    assertThat(PodFailures.services(starting)).isEmpty();
    // Started once, restarted later (a crash mid-job): not a start failure.
    Pod restartedAfterStart =
        pod("Running")
            .editStatus()
            .withInitContainerStatuses(sidecar("svc-db", true, 2))
            .endStatus()
            .build();
    assertThat(PodFailures.services(restartedAfterStart)).isEmpty();

    Pod unhealthy =
        pod("Pending")
            .editStatus()
            .withInitContainerStatuses(sidecar("svc-db", true, 0), sidecar("svc-cache", false, 1))
            .endStatus()
            .build();
    CiException e = PodFailures.services(unhealthy).orElseThrow();
    assertThat(e.code()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(e.getMessage())
        .isEqualTo("services.cache: Failed to initialize, cache service is unhealthy.");

    Pod noImage =
        pod("Pending")
            .editStatus()
            .withInitContainerStatuses(
                new ContainerStatusBuilder()
                    .withName("svc-db")
                    .withState(
                        new ContainerStateBuilder()
                            .withNewWaiting()
                            .withReason("ImagePullBackOff")
                            .withMessage("pull access denied")
                            .endWaiting()
                            .build())
                    .build())
            .endStatus()
            .build();
    assertThat(PodFailures.services(noImage).orElseThrow().getMessage())
        .isEqualTo("services.db: the service cannot start: ImagePullBackOff: pull access denied");
  }
}
