package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.Signal;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A docker step's pod ({@link StepJobs}) as a command: its exit code is the step container's
 * terminated state, its output the container's log (the API's {@code pods/log}, as
 * runner-container-hooks reads it): followed while the container runs, and once it ended read whole
 * for whatever the stream had not brought yet (bytes past those delivered); a signal deletes the
 * step's Job (the kubelet stops the container: TERM then KILL after the grace period, none for
 * KILL). A pod whose image cannot be pulled or whose container cannot be made fails the step with
 * the kubelet's reason. Polls the pod as the worker's informer last saw it.
 */
final class StepPodProcess implements HostProcess {
  private static final Logger log = LoggerFactory.getLogger(StepPodProcess.class);

  /** How long the followed log may take to end after its container did. */
  private static final Duration STREAM_END_GRACE = Duration.ofSeconds(2);

  /** The API side of the step's pod, as the factory gives it. */
  interface Api {
    /** The step Job's pod as last seen, or null. */
    Pod pod();

    /** The step container's log. */
    String log(String podName) throws IOException;

    /** The step container's log as a stream that follows it until the container ends. */
    LogWatch follow(String podName);

    /** Deletes the step's Job (its pod with it) with this grace, and its Secret. Never throws. */
    void delete(Duration grace);
  }

  private final String id;
  private final Api api;
  private final Duration poll;
  private final OutputReceiver receiver;
  private final Object lock = new Object();
  private Integer exit;
  private volatile Signal signalled;
  private boolean drained;

  /** Bytes of the log delivered so far; guarded by the lock, as are the two below. */
  private long offset;

  private boolean following;
  private LogWatch watch;
  private Thread follower;

  StepPodProcess(String id, Api api, Duration poll, OutputReceiver receiver) {
    this.id = id;
    this.api = api;
    this.poll = poll;
    this.receiver = receiver;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public OptionalInt waitFor(Duration timeout) throws InterruptedException {
    return PollingWait.waitFor(timeout, poll, this::poll);
  }

  private OptionalInt poll() throws InterruptedException {
    Pod pod;
    ContainerStatus status;
    synchronized (lock) {
      if (exit != null) {
        return OptionalInt.of(exit);
      }
      pod = api.pod();
      status = status(pod);
      if (status != null && status.getState() != null && follower == null) {
        if (status.getState().getRunning() != null || status.getState().getTerminated() != null) {
          follow(pod.getMetadata().getName());
        }
      }
    }
    ContainerStateTerminated done =
        status == null || status.getState() == null ? null : status.getState().getTerminated();
    if (done != null) {
      // The stream ends with the container; what it has not brought yet is read whole below.
      Thread f = follower;
      if (f != null) {
        f.join(STREAM_END_GRACE);
      }
      synchronized (lock) {
        following = false;
        if (watch != null) {
          watch.close();
        }
        deliverRest(pod.getMetadata().getName());
        return end(done.getExitCode() == null ? 1 : done.getExitCode());
      }
    }
    synchronized (lock) {
      if (pod == null && signalled != null) {
        // Deleted before it could say how it ended: as a signal ends a process.
        return end(128 + (signalled == Signal.KILL ? 9 : 15));
      }
      ContainerStateWaiting waiting =
          status == null || status.getState() == null ? null : status.getState().getWaiting();
      if (waiting != null && PodFailures.FATAL_WAITING.contains(waiting.getReason())) {
        end(-1);
        throw new CiException(
            ErrorCode.PERMANENT,
            "the container of "
                + id
                + " did not start: "
                + waiting.getReason()
                + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage()));
      }
      return OptionalInt.empty();
    }
  }

  /** Starts following the container's log on a thread of its own. */
  private void follow(String podName) {
    following = true;
    try {
      watch = api.follow(podName);
    } catch (RuntimeException e) {
      log.debug("cannot follow the log of {}: {}", id, e.toString());
      follower = Thread.ofVirtual().start(() -> {});
      return;
    }
    InputStream in = watch.getOutput();
    follower =
        Thread.ofVirtual()
            .name("step-pod-log-" + id)
            .start(
                () -> {
                  byte[] buf = new byte[16 * 1024];
                  try (in) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                      synchronized (lock) {
                        if (!following) {
                          return;
                        }
                        deliver(buf, 0, n);
                      }
                    }
                  } catch (IOException e) {
                    log.debug("the log stream of {} ended: {}", id, e.toString());
                  }
                });
  }

  private OptionalInt end(int code) {
    exit = code;
    api.delete(Duration.ZERO);
    return OptionalInt.of(code);
  }

  /** The log's bytes past those the stream delivered. */
  private void deliverRest(String podName) {
    try {
      byte[] bytes = api.log(podName).getBytes(StandardCharsets.UTF_8);
      if (bytes.length > offset) {
        deliver(bytes, (int) offset, bytes.length - (int) offset);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("could not read the log of {} (pod {}): {}", id, podName, e.toString());
    }
  }

  private void deliver(byte[] bytes, int from, int length) {
    if (!drained) {
      receiver.output(offset, bytes, from, length);
    }
    offset += length;
  }

  private static ContainerStatus status(Pod pod) {
    if (pod == null || pod.getStatus() == null) {
      return null;
    }
    List<ContainerStatus> all = pod.getStatus().getContainerStatuses();
    return all == null
        ? null
        : all.stream().filter(c -> StepJobs.CONTAINER.equals(c.getName())).findFirst().orElse(null);
  }

  @Override
  public void signal(Signal signal) {
    synchronized (lock) {
      if (exit != null) {
        return;
      }
    }
    signalled = signal;
    api.delete(signal == Signal.KILL ? Duration.ZERO : Duration.ofSeconds(10));
  }

  /** The output is delivered whole when the container ended: nothing is left to wait for. */
  @Override
  public boolean drain(Duration grace) {
    synchronized (lock) {
      drained = true;
    }
    return true;
  }
}
