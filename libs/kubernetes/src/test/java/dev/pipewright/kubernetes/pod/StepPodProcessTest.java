package dev.pipewright.kubernetes.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.executor.host.Signal;
import dev.pipewright.models.CiException;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A docker step's pod as a command: the followed log then what it missed, the exit code from the
 * terminated state, a deleted pod as a signal's end, an image that cannot be pulled as the step's
 * failure; the step's Job deleted once it ended.
 */
class StepPodProcessTest {
  /** The API as a test sets it: the pod it shows, the log, what the stream brings. */
  private static final class FakeApi implements StepPodProcess.Api {
    volatile Pod pod;
    volatile String log = "";
    volatile String streamed = "";
    final List<Duration> deletes = new ArrayList<>();

    @Override
    public Pod pod() {
      return pod;
    }

    @Override
    public String log(String podName) {
      return log;
    }

    @Override
    public LogWatch follow(String podName) {
      InputStream in = new ByteArrayInputStream(streamed.getBytes(StandardCharsets.UTF_8));
      return new LogWatch() {
        @Override
        public InputStream getOutput() {
          return in;
        }

        @Override
        public CompletionStage<Throwable> onClose() {
          return new CompletableFuture<>();
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public synchronized void delete(Duration grace) {
      deletes.add(grace);
    }
  }

  private final FakeApi api = new FakeApi();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final List<Long> offsets = new ArrayList<>();
  private final StepPodProcess process =
      new StepPodProcess(
          "step-2.a1",
          api,
          Duration.ofMillis(5),
          (offset, bytes, from, length) -> {
            offsets.add(offset);
            out.write(bytes, from, length);
          });

  private static Pod pod(ContainerStateBuilder state) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p1")
        .endMetadata()
        .withNewStatus()
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(StepJobs.CONTAINER)
                .withState(state.build())
                .build())
        .endStatus()
        .build();
  }

  @Test
  void theLogIsWhatTheStreamBroughtThenTheRestAndTheExitCodeTheContainers() throws Exception {
    api.pod = pod(new ContainerStateBuilder().withNewWaiting().withReason("Pulling").endWaiting());
    assertThat(process.waitFor(Duration.ofMillis(20))).isEmpty();
    api.streamed = "one\n";
    api.pod = pod(new ContainerStateBuilder().withNewRunning().endRunning());
    assertThat(process.waitFor(Duration.ofMillis(20))).isEmpty();
    api.log = "one\ntwo\n";
    api.pod = pod(new ContainerStateBuilder().withNewTerminated().withExitCode(3).endTerminated());

    assertThat(process.waitFor(Duration.ofSeconds(10))).isEqualTo(OptionalInt.of(3));
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one\ntwo\n");
    assertThat(offsets).containsExactly(0L, 4L);
    assertThat(api.deletes).containsExactly(Duration.ZERO);
  }

  @Test
  void aPodDeletedAfterASignalEndsAsTheSignalEndsAProcess() throws Exception {
    api.pod = pod(new ContainerStateBuilder().withNewRunning().endRunning());
    assertThat(process.waitFor(Duration.ofMillis(20))).isEmpty();
    process.signal(Signal.TERM);
    api.pod = null;
    assertThat(process.waitFor(Duration.ofSeconds(10))).isEqualTo(OptionalInt.of(143));
    assertThat(api.deletes).containsExactly(Duration.ofSeconds(10), Duration.ZERO);
  }

  @Test
  void anImageThatCannotBePulledFailsTheStepWithTheKubeletsReason() {
    api.pod =
        pod(
            new ContainerStateBuilder()
                .withNewWaiting()
                .withReason("ErrImagePull")
                .withMessage("not found")
                .endWaiting());
    assertThatThrownBy(() -> process.waitFor(Duration.ofSeconds(10)))
        .isInstanceOf(CiException.class)
        .hasMessage("the container of step-2.a1 did not start: ErrImagePull: not found");
  }
}
