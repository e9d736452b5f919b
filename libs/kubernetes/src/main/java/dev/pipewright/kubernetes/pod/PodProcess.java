package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.Signal;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command the pod agent runs, seen through its files in the control directory: its log is read
 * from a byte offset every poll interval (so a successor worker resumes where the stored output
 * ended), its exit code from its exit file, and a signal is a file the agent consumes. While it has
 * no exit code, each poll also asks whether the pod failed under it: then {@link #waitFor} throws
 * the infrastructure failure rather than ever reporting an exit code the step did not produce.
 * Thread-safe: a poll holds the lock, so output is delivered in order from one thread at a time.
 */
final class PodProcess implements HostProcess {
  private static final Logger log = LoggerFactory.getLogger(PodProcess.class);

  private final String id;
  private final Path dir;
  private final Path logFile;
  private final Path exitFile;
  private final Duration poll;
  private final Supplier<Optional<CiException>> podFailure;
  private final Object lock = new Object();
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private OutputReceiver receiver;
  private long offset;
  private Integer exit;

  /**
   * @param dir the agent's control directory
   * @param fromOffset the first byte of the log to deliver
   * @param podFailure what failed under the job, when something did: the pod's state, the agent's
   */
  PodProcess(
      String id,
      Path dir,
      long fromOffset,
      OutputReceiver receiver,
      Duration poll,
      Supplier<Optional<CiException>> podFailure) {
    this.id = id;
    this.dir = dir;
    this.logFile = dir.resolve(id + PodAgent.LOG);
    this.exitFile = dir.resolve(id + PodAgent.EXIT);
    this.offset = fromOffset;
    this.receiver = receiver;
    this.poll = poll;
    this.podFailure = podFailure;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public OptionalInt waitFor(Duration timeout) throws InterruptedException {
    return PollingWait.waitFor(timeout, poll, this::poll);
  }

  /** Delivers the output written since the last poll; the exit code once there is one. */
  OptionalInt poll() {
    synchronized (lock) {
      if (exit != null) {
        return OptionalInt.of(exit);
      }
      try {
        // The exit file first: what the command wrote before it ended is in the log by then.
        OptionalInt code = readExit();
        readLog();
        if (code.isPresent()) {
          exit = code.getAsInt();
          return code;
        }
      } catch (IOException e) {
        throw new CiException(
            ErrorCode.TRANSIENT, "reading " + id + " on the workspace volume failed: " + e, e);
      }
      Optional<CiException> failed = podFailure.get();
      if (failed.isPresent()) {
        throw failed.get();
      }
      return OptionalInt.empty();
    }
  }

  /**
   * Reads the log to its current end once more, then delivers nothing: what a background process of
   * the command writes later belongs to no step. The file has no end a reader could wait for (every
   * process of the group holds it open), so this never waits.
   */
  @Override
  public boolean drain(Duration grace) {
    synchronized (lock) {
      try {
        readLog();
      } catch (IOException e) {
        log.warn("{}: reading the end of its log failed: {}", id, e.toString());
      }
      receiver = null;
      return true;
    }
  }

  @Override
  public void signal(Signal signal) {
    try {
      if (Files.exists(exitFile)) {
        return;
      }
      PodHost.writeAtomically(
          dir, id + PodAgent.SIGNAL, signal.name().getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      log.warn("{}: could not ask the pod agent for {}: {}", id, signal, e.toString());
    }
  }

  private OptionalInt readExit() throws IOException {
    try {
      return PodAgent.exitCode(Files.readString(exitFile, StandardCharsets.US_ASCII));
    } catch (NoSuchFileException e) {
      return OptionalInt.empty();
    }
  }

  private void readLog() throws IOException {
    if (receiver == null) {
      return;
    }
    try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ)) {
      ch.position(offset);
      while (true) {
        buffer.clear();
        int n = ch.read(buffer);
        if (n <= 0) {
          return;
        }
        receiver.output(offset, buffer.array(), 0, n);
        offset += n;
      }
    } catch (NoSuchFileException e) {
      // Not started yet.
    }
  }
}
