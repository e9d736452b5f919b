package dev.pipewright.executor.host.container;

import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.Signal;
import dev.pipewright.executor.host.StreamedOutput;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command in a job's container: the {@code podman exec} client of {@link ContainerShell#START}
 * runs on the worker and lives as long as the command. Its first output line is the command's pid
 * (its process group in the container), which this class keeps for signals; the rest goes to the
 * receiver.
 */
final class ContainerProcess implements HostProcess {
  private static final Logger log = LoggerFactory.getLogger(ContainerProcess.class);

  /** Longer than any pid line: past it, the first line is output (podman's own error). */
  private static final int MAX_PID_LINE = 16;

  /** How long a signal waits for the pid line of a command that is still starting. */
  private static final Duration START_WAIT = Duration.ofSeconds(10);

  private final String id;
  private final String job;
  private final Process exec;
  private final JobContainer container;
  private final CompletableFuture<OptionalLong> processGroup = new CompletableFuture<>();
  private final StreamedOutput output;

  /**
   * @param exec the started {@code podman exec}, stdout and stderr in one pipe
   * @param started runs once the command's shell has read its environment file, or once the output
   *     ended without it having done so
   */
  ContainerProcess(
      String id,
      String job,
      Process exec,
      JobContainer container,
      OutputReceiver receiver,
      Runnable started) {
    this.id = id;
    this.job = job;
    this.exec = exec;
    this.container = container;
    this.output =
        StreamedOutput.start(
            "container-" + id, receiver, out -> read(out, exec.getInputStream(), started));
  }

  @Override
  public String id() {
    return id;
  }

  /**
   * {@inheritDoc}
   *
   * @throws CiException TRANSIENT when the container is gone (removed, its main process killed):
   *     the machine failed, not the step
   */
  @Override
  public OptionalInt waitFor(Duration timeout) throws InterruptedException {
    if (!exec.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
      return OptionalInt.empty();
    }
    int exit = exec.exitValue();
    // A command that failed may have failed because its container went away (removed, its main
    // process killed): podman then says 125, or the command died of SIGKILL.
    if (exit != 0 && !containerRunning()) {
      throw new CiException(
          ErrorCode.TRANSIENT,
          job + ": its container " + container.name() + " stopped while " + id + " ran");
    }
    return OptionalInt.of(exit);
  }

  private boolean containerRunning() {
    try {
      return container.running();
    } catch (IOException e) {
      log.warn("could not inspect container {}: {}", container.name(), e.toString());
      return false;
    }
  }

  @Override
  public boolean drain(Duration grace) throws InterruptedException {
    return output.drain(grace);
  }

  @Override
  public void signal(Signal signal) {
    OptionalLong group;
    try {
      group = processGroup.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      group = OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!exec.isAlive()) {
      return;
    }
    if (group.isEmpty()) {
      // podman exec never started the command: ending the client is all there is to do.
      exec.destroyForcibly();
      return;
    }
    try {
      container.signalGroup(group.getAsLong(), signal);
    } catch (IOException e) {
      log.warn("could not signal {} of {}: {}", signal, id, e.toString());
    }
  }

  /** The pid line first, then the output; {@code started} runs once either is known. */
  private void read(StreamedOutput out, InputStream in, Runnable started) throws IOException {
    byte[] buf = new byte[MAX_PID_LINE];
    int lineEnd = -1;
    int held = 0;
    try (in) {
      // The pid line first; what follows it in the same read is output.
      int n;
      while (lineEnd < 0 && held < buf.length && (n = in.read(buf, held, buf.length - held)) > 0) {
        for (int i = held; i < held + n && lineEnd < 0; i++) {
          if (buf[i] == '\n') {
            lineEnd = i;
          }
        }
        held += n;
      }
      OptionalLong pid =
          lineEnd < 0
              ? OptionalLong.empty()
              : ContainerShell.pid(new String(buf, 0, lineEnd, StandardCharsets.US_ASCII));
      processGroup.complete(pid);
      started.run();
      int from = pid.isPresent() ? lineEnd + 1 : 0;
      if (held > from && !out.deliver(0, buf, from, held - from)) {
        return;
      }
      out.copy(in, Math.max(0, held - from));
    } finally {
      if (processGroup.complete(OptionalLong.empty())) {
        started.run();
      }
    }
  }
}
