package dev.pipewright.executor.host.process;

import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.Signal;
import dev.pipewright.executor.host.StreamedOutput;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A command on this machine, started in its own session and process group ({@code setsid}), so the
 * whole tree it spawns, including background jobs re-parented to init, can be signalled at once.
 * stdout and stderr share one pipe so output keeps its arrival order; a virtual thread hands it to
 * the receiver.
 */
final class LocalProcess implements HostProcess {
  private static final Optional<Path> SETSID = Executables.onWorkerPath("setsid");
  private static final File NO_INPUT = new File("/dev/null");

  private final String id;
  private final Process process;
  private final boolean ownGroup;
  private final StreamedOutput output;

  private LocalProcess(String id, Process process, boolean ownGroup, OutputReceiver receiver) {
    this.id = id;
    this.process = process;
    this.ownGroup = ownGroup;
    this.output =
        StreamedOutput.start(
            "process-" + process.pid(),
            receiver,
            out -> {
              try (InputStream in = process.getInputStream()) {
                out.copy(in, 0);
              }
            });
  }

  /**
   * Starts {@code argv} (its first element an absolute path) in {@code dir} with exactly {@code
   * env}.
   */
  static LocalProcess start(
      String id, List<String> argv, Path dir, Map<String, String> env, OutputReceiver receiver)
      throws IOException {
    List<String> command = new ArrayList<>(argv.size() + 1);
    SETSID.ifPresent(p -> command.add(p.toString()));
    command.addAll(argv);
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(NO_INPUT));
    return new LocalProcess(id, pb.start(), SETSID.isPresent(), receiver);
  }

  @Override
  public String id() {
    return id;
  }

  /** The process group id of the command's tree (the shell's pid under setsid), or -1. */
  long processGroup() {
    return ownGroup ? process.pid() : -1;
  }

  @Override
  public OptionalInt waitFor(Duration timeout) throws InterruptedException {
    if (process.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
      return OptionalInt.of(process.exitValue());
    }
    return OptionalInt.empty();
  }

  @Override
  public boolean drain(Duration grace) throws InterruptedException {
    return output.drain(grace);
  }

  @Override
  public void signal(Signal signal) {
    // Descendants first: without setsid they are the only way to reach the tree.
    process
        .descendants()
        .forEach(
            h -> {
              if (signal == Signal.KILL) {
                h.destroyForcibly();
              } else {
                h.destroy();
              }
            });
    if (ownGroup) {
      GroupSignals.SHARED.signal(process.pid(), signal.name());
    } else if (signal == Signal.KILL) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
  }
}
