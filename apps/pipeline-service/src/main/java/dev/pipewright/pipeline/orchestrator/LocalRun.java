package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.pipeline.reconcile.Attempts;
import dev.pipewright.pipeline.reconcile.InstanceState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code pipewright run FILE}: the same orchestrator and reconciler as the services, over an {@link
 * InMemoryRunStore} and a runner, with no server. Give the runner a log sink that tees into {@link
 * #store()} (and wherever the caller shows logs).
 *
 * <pre>{@code
 * InMemoryRunStore store = new InMemoryRunStore();
 * LogSink sink = chunk -> { store.append(chunk); print(chunk); };
 * try (JobRunner runner = new LocalJobRunner(LocalRunnerConfig.defaults(root), sink)) {
 *   LocalRun.Result result =
 *       new LocalRun(store, runner, 4).run(new LocalRun.Request(yaml, "ci.yml", repo, vars, secrets));
 * }
 * }</pre>
 */
public final class LocalRun {
  private final InMemoryRunStore store;
  private final Orchestrator orchestrator;
  private final BuildLoops loops;

  /** How a run ended, with its rows for display. */
  public record Result(
      String buildId,
      BuildStatus status,
      ErrorCode errorCode,
      String errorMessage,
      List<InstanceState> jobs) {}

  public LocalRun(InMemoryRunStore store, JobRunner runner, int parallelism) {
    this(store, runner, parallelism, WorkflowSources.NONE);
  }

  /**
   * @param sources where the workflows the run calls are read from
   */
  public LocalRun(
      InMemoryRunStore store, JobRunner runner, int parallelism, WorkflowSources sources) {
    this.store = store;
    this.orchestrator =
        new Orchestrator(store, runner, parallelism, new Attempts(1, 1), null, sources);
    this.loops =
        new BuildLoops(orchestrator, Duration.ofMillis(250), id -> true, Duration.ofDays(1));
  }

  public InMemoryRunStore store() {
    return store;
  }

  /**
   * What to run.
   *
   * @param path the workflow's file name, for diagnostics
   * @param repository what {@code actions/checkout} fetches, or null
   */
  public record Request(
      String yaml,
      String path,
      RepositoryRef repository,
      Map<String, String> vars,
      Map<String, String> secrets) {}

  /** Starts a run and returns its build id at once; {@link #await} waits for it. */
  public String start(Request request) {
    String id = UUID.randomUUID().toString();
    store.addBuild(
        new BuildRecord(
            id,
            1,
            BuildStatus.RUNNING,
            request.yaml(),
            request.path(),
            request.repository(),
            request.vars(),
            request.secrets(),
            false));
    loops.run(id);
    return id;
  }

  /** Runs a workflow to its end. */
  public Result run(Request request) {
    return await(start(request), Duration.ofDays(1));
  }

  /** Cancels a run (Ctrl-C): running jobs are stopped, the rest cancelled. */
  public void cancel(String buildId) {
    store.requestCancel(buildId);
    loops.wake(buildId);
  }

  /**
   * @throws CiException TIMEOUT when the run has not finished in time
   */
  public Result await(String buildId, Duration timeout) {
    try {
      loops.run(buildId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new CiException(ErrorCode.TIMEOUT, "run " + buildId + " did not finish in " + timeout);
    } catch (ExecutionException e) {
      throw CiException.from(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CiException(ErrorCode.CANCELLED, "interrupted while waiting for " + buildId);
    }
    BuildRecord build = store.build(buildId);
    return new Result(
        buildId,
        build.status(),
        store.errorCode(buildId),
        store.errorMessage(buildId),
        store.jobs(buildId));
  }
}
