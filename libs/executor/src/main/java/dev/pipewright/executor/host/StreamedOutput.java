package dev.pipewright.executor.host;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output of a command whose merged stdout and stderr the worker reads from a pipe (a process on
 * this machine, a {@code podman exec} client): a virtual thread hands each read to the receiver
 * until {@link #drain}, after which nothing reaches it, so what a leftover background process
 * writes lands in no step.
 */
public final class StreamedOutput {
  private static final Logger log = LoggerFactory.getLogger(StreamedOutput.class);

  /** What the reader does with the stream: {@link #copy} it, perhaps after a header of its own. */
  @FunctionalInterface
  public interface Reader {
    void read(StreamedOutput output) throws IOException;
  }

  private final String source;
  private final Object lock = new Object();
  private OutputReceiver receiver;
  private Thread thread;

  private StreamedOutput(String source, OutputReceiver receiver) {
    this.source = source;
    this.receiver = receiver;
  }

  /**
   * Starts a virtual thread running {@code reader}; its stream is closed by the reader.
   *
   * @param source names the command in thread names and log lines
   */
  public static StreamedOutput start(String source, OutputReceiver receiver, Reader reader) {
    StreamedOutput output = new StreamedOutput(source, receiver);
    output.thread =
        Thread.ofVirtual()
            .name("output-" + source)
            .start(
                () -> {
                  try {
                    reader.read(output);
                  } catch (IOException e) {
                    log.debug("output of {} ended: {}", source, e.toString());
                  }
                });
    return output;
  }

  /**
   * Hands bytes at {@code offset} of the output to the receiver.
   *
   * @return false once drained: the reader stops
   */
  public boolean deliver(long offset, byte[] buf, int from, int length) {
    synchronized (lock) {
      if (receiver == null) {
        return false;
      }
      try {
        receiver.output(offset, buf, from, length);
      } catch (RuntimeException e) {
        log.warn("dropping output of {}: {}", source, e.toString());
      }
      return true;
    }
  }

  /** Delivers {@code in} from byte {@code offset} of the output until it ends or is drained. */
  public void copy(InputStream in, long offset) throws IOException {
    byte[] buf = new byte[16 * 1024];
    int n;
    while ((n = in.read(buf)) > 0) {
      if (!deliver(offset, buf, 0, n)) {
        return;
      }
      offset += n;
    }
  }

  /** {@link HostProcess#drain}: waits up to {@code grace} for the stream's end, then stops. */
  public boolean drain(Duration grace) throws InterruptedException {
    boolean complete = thread.join(grace);
    synchronized (lock) {
      receiver = null;
    }
    return complete;
  }
}
