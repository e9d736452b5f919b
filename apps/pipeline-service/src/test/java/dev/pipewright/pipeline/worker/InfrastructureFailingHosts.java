package dev.pipewright.pipeline.worker;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.host.HostCommand;
import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.JobFiles;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.Signal;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Process hosts whose first attempt of every job fails under it the way a deleted pod does: once a
 * step has printed {@code trigger}, its process is killed and waiting for it throws an {@link
 * ErrorCode#INFRASTRUCTURE} error. Later attempts run untouched.
 */
final class InfrastructureFailingHosts implements JobHostFactory {
  static final String MESSAGE = "the job's pod was deleted (test double)";

  private final JobHostFactory delegate;
  private final String trigger;

  InfrastructureFailingHosts(JobHostFactory delegate, String trigger) {
    this.delegate = delegate;
    this.trigger = trigger;
  }

  @Override
  public JobHost open(JobRun run) {
    JobHost host = delegate.open(run);
    return run.attempt() == 1 ? new FailingHost(host) : host;
  }

  @Override
  public boolean startedBefore(JobRun run) {
    return delegate.startedBefore(run);
  }

  @Override
  public void releaseBuild(String buildId) {
    delegate.releaseBuild(buildId);
  }

  @Override
  public void close() {
    delegate.close();
  }

  private final class FailingHost implements JobHost {
    private final JobHost host;

    FailingHost(JobHost host) {
      this.host = host;
    }

    @Override
    public HostProcess start(HostCommand command, OutputReceiver output) throws IOException {
      CountDownLatch triggered = new CountDownLatch(1);
      StringBuilder seen = new StringBuilder();
      HostProcess process =
          host.start(
              command,
              (offset, bytes, from, length) -> {
                output.output(offset, bytes, from, length);
                seen.append(new String(bytes, from, length, StandardCharsets.UTF_8));
                if (seen.indexOf(trigger) >= 0) {
                  triggered.countDown();
                }
              });
      return new FailingProcess(process, triggered);
    }

    @Override
    public String kind() {
      return host.kind();
    }

    @Override
    public JobPaths paths() {
      return host.paths();
    }

    @Override
    public void prepare() throws IOException {
      host.prepare();
    }

    @Override
    public Map<String, String> baseEnvironment() {
      return host.baseEnvironment();
    }

    @Override
    public Optional<String> findExecutable(String name, String path, String dir)
        throws IOException {
      return host.findExecutable(name, path, dir);
    }

    @Override
    public JobFiles files() {
      return host.files();
    }

    @Override
    public void release() {
      host.release();
    }
  }

  /** Its pod goes away once the trigger was printed: the process dies, the wait throws. */
  private record FailingProcess(HostProcess process, CountDownLatch triggered)
      implements HostProcess {
    @Override
    public String id() {
      return process.id();
    }

    @Override
    public OptionalInt waitFor(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 2);
      while (true) {
        if (triggered.await(20, TimeUnit.MILLISECONDS)) {
          process.signal(Signal.KILL);
          throw new CiException(ErrorCode.INFRASTRUCTURE, MESSAGE);
        }
        OptionalInt exit = process.waitFor(Duration.ZERO);
        if (exit.isPresent() || System.nanoTime() - deadline >= 0) {
          return exit;
        }
      }
    }

    @Override
    public void signal(Signal signal) {
      process.signal(signal);
    }

    @Override
    public boolean drain(Duration grace) throws InterruptedException {
      return process.drain(grace);
    }
  }
}
