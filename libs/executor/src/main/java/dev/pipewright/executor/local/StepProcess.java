package dev.pipewright.executor.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step's shell, started in its own session and process group ({@code setsid}), so the whole
 * tree it spawns, including background jobs re-parented to init, can be signalled at once. stdout
 * and stderr share one pipe so lines keep their arrival order; a virtual thread splits it into
 * lines.
 */
final class StepProcess {
  private static final Logger log = LoggerFactory.getLogger(StepProcess.class);

  /** Longer lines are split: one runaway line without a newline must not exhaust the heap. */
  static final int MAX_LINE_CHARS = 1 << 20;

  private static final Optional<Path> SETSID = Executables.onWorkerPath("setsid");

  private final Process process;
  private final boolean ownGroup;
  private final Thread reader;
  private final Object lineLock = new Object();
  private Consumer<String> target;

  private StepProcess(Process process, boolean ownGroup, Consumer<String> onLine) {
    this.process = process;
    this.ownGroup = ownGroup;
    this.target = onLine;
    this.reader =
        Thread.ofVirtual()
            .name("step-output-" + process.pid())
            .start(() -> readLines(process.getInputStream()));
  }

  /**
   * Starts {@code argv} (its first element an absolute path) in {@code dir} with exactly {@code
   * env}; every output line goes to {@code onLine} until {@link #drain} detaches it.
   */
  static StepProcess start(
      List<String> argv, Path dir, Map<String, String> env, Consumer<String> onLine)
      throws IOException {
    List<String> command = new ArrayList<>();
    SETSID.ifPresent(p -> command.add(p.toString()));
    command.addAll(argv);
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return new StepProcess(pb.start(), SETSID.isPresent(), onLine);
  }

  /** The process group id of the step's tree (the shell's pid under setsid), or -1. */
  long processGroup() {
    return ownGroup ? process.pid() : -1;
  }

  boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitValue() {
    return process.exitValue();
  }

  /**
   * Waits up to {@code grace} for the output pipe to close (every writer gone); past it, stops
   * forwarding lines so a background process the step left behind cannot write into a finished
   * step. Returns whether the output was complete.
   */
  boolean drain(Duration grace) throws InterruptedException {
    boolean complete = reader.join(grace);
    synchronized (lineLock) {
      target = null;
    }
    return complete;
  }

  /** SIGTERM to the tree, SIGKILL to what is left after {@code grace}. */
  void terminate(Duration grace) throws InterruptedException {
    signalTree("TERM");
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      log.debug("process {} survived SIGTERM for {}; killing", process.pid(), grace);
    }
    signalTree("KILL");
  }

  private void signalTree(String signal) {
    // Descendants first: without setsid they are the only way to reach the tree.
    process
        .descendants()
        .forEach(
            h -> {
              if ("KILL".equals(signal)) {
                h.destroyForcibly();
              } else {
                h.destroy();
              }
            });
    if (ownGroup) {
      GroupSignals.SHARED.signal(process.pid(), signal);
    } else if ("KILL".equals(signal)) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
  }

  private void readLines(InputStream in) {
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      char[] buf = new char[16 * 1024];
      StringBuilder line = new StringBuilder();
      int n;
      while ((n = r.read(buf)) > 0) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            line.append(buf, start, i - start);
            emit(line);
            start = i + 1;
          } else if (line.length() + (i - start) >= MAX_LINE_CHARS) {
            line.append(buf, start, i - start);
            emit(line);
            start = i;
          }
        }
        line.append(buf, start, n - start);
      }
      if (!line.isEmpty()) {
        emit(line);
      }
    } catch (IOException e) {
      log.debug("output of process {} ended: {}", process.pid(), e.toString());
    }
  }

  private void emit(StringBuilder line) {
    int len = line.length();
    String text =
        len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
    line.setLength(0);
    synchronized (lineLock) {
      if (target == null) {
        return;
      }
      try {
        target.accept(text);
      } catch (RuntimeException e) {
        log.warn("dropping an output line of process {}: {}", process.pid(), e.toString());
      }
    }
  }
}
