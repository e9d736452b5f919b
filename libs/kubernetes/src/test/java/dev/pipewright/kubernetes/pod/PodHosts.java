package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobHostFactory;
import java.util.List;

/** A {@link PodHostFactory} with what it runs against (clients, servers), closed after it. */
public class PodHosts implements JobHostFactory {
  private final PodHostFactory pods;
  private final List<AutoCloseable> also;

  public PodHosts(PodHostFactory pods, AutoCloseable... also) {
    this.pods = pods;
    this.also = List.of(also);
  }

  @Override
  public JobHost open(JobRun run) {
    return pods.open(run);
  }

  @Override
  public boolean startedBefore(JobRun run) {
    return pods.startedBefore(run);
  }

  @Override
  public void releaseBuild(String buildId) {
    pods.releaseBuild(buildId);
  }

  @Override
  public void close() {
    pods.close();
    for (AutoCloseable c : also) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + c + " failed", e);
      }
    }
  }
}
