package dev.pipewright.executor.host.container;

import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.Signal;
import dev.pipewright.executor.host.StreamedOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step's container run by a {@code podman run --rm} client in the foreground: its output is the
 * container's (and podman's own words when it cannot start it: exit code 125 and up), its exit code
 * the container's; a signal goes to the container's main process through {@code podman kill}.
 */
final class ContainerRun implements HostProcess {
  private static final Logger log = LoggerFactory.getLogger(ContainerRun.class);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

  private final String id;
  private final String name;
  private final Podman podman;
  private final Process client;
  private final StreamedOutput output;

  ContainerRun(String id, String name, Podman podman, Process client, OutputReceiver receiver) {
    this.id = id;
    this.name = name;
    this.podman = podman;
    this.client = client;
    this.output =
        StreamedOutput.start(
            "step-container-" + id, receiver, out -> out.copy(client.getInputStream(), 0));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public OptionalInt waitFor(Duration timeout) throws InterruptedException {
    if (!client.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(client.exitValue());
  }

  @Override
  public boolean drain(Duration grace) throws InterruptedException {
    return output.drain(grace);
  }

  /**
   * {@code podman kill}: a container's main process is its PID 1, which ignores a TERM it has no
   * handler for, as under Docker. KILL also ends the client, should the container not exist yet.
   */
  @Override
  public void signal(Signal signal) {
    if (!client.isAlive()) {
      return;
    }
    try {
      podman.run(KILL_TIMEOUT, List.of("kill", "--signal", signal.name(), name));
    } catch (IOException e) {
      log.warn("could not signal {} to the container of {}: {}", signal, id, e.toString());
    }
    if (signal == Signal.KILL) {
      client.destroyForcibly();
    }
  }
}
