package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.dag.LoadedWorkflow;
import dev.pipewright.dag.PlacedJob;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.executor.StrategyContext;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.StrategySpec;
import dev.pipewright.pipeline.reconcile.InstanceState;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a runner is handed to run one instance of a build ({@link JobRun}), resolved from the
 * build's record, its workflow and the instance's stored row: contexts, strategy position among its
 * matrix siblings, the secrets and inputs of the workflow call it belongs to, and where its log
 * continues.
 */
final class JobRuns {
  /** How a run of an instance begins, which decides what its log continues and says. */
  enum Begin {
    /** The instance's first run: nothing of it is stored yet. */
    FIRST,
    /** A new attempt after its earlier one was lost with its worker or its host. */
    RESTART,
    /** A new attempt because a re-run of the finished build reset it. */
    RERUN,
    /** A successor worker taking over the running attempt. */
    ATTACH
  }

  private final BuildRecord build;
  private final LoadedWorkflow workflow;
  private final RunStore store;
  private final CallContexts calls;
  private final Function<String, List<InstanceState>> rowsOf;
  private final JobServices services;

  /**
   * @param calls the contexts of the workflow calls, read as the pass sees the build
   * @param rowsOf a job's rows in stored order, by workflow job id
   * @param services gives each run its runtime token and service URL
   */
  JobRuns(
      BuildRecord build,
      LoadedWorkflow workflow,
      RunStore store,
      CallContexts calls,
      Function<String, List<InstanceState>> rowsOf,
      JobServices services) {
    this.build = build;
    this.workflow = workflow;
    this.store = store;
    this.calls = calls;
    this.rowsOf = rowsOf;
    this.services = services;
  }

  JobRun of(InstanceState row, int attempt, Map<String, NeedResult> needs, Begin begin) {
    // Every run but a job's very first continues the sequence numbers of the chunks before it.
    boolean mayHaveLogs = begin != Begin.FIRST;
    PlacedJob placed = workflow.placed(row.jobId());
    JobSpec job = placed.job();
    List<InstanceState> siblings = rowsOf.apply(row.jobId());
    StrategySpec strategy = job.strategy();
    StrategyContext strategyContext =
        new StrategyContext(
            strategy == null || strategy.failFast(),
            Math.max(0, siblings.indexOf(row)),
            siblings.size(),
            strategy == null ? null : strategy.maxParallel());
    JobRef ref = new JobRef(build.id(), row.key());
    return JobRun.builder(ref, placed.workflow(), job)
        .runNumber(build.number())
        .attempt(attempt)
        .rerun(begin == Begin.RERUN)
        .matrix(row.matrix() == null ? Map.of() : row.matrix())
        .strategy(strategyContext)
        .needs(needs)
        .vars(build.vars())
        .secrets(calls.secrets(placed.call()))
        .inputs(calls.inputs(placed.call()))
        .repository(build.repository())
        .logCursors(mayHaveLogs ? store.logCursors(build.id(), row.key()) : Map.of())
        .logSources(mayHaveLogs ? store.logSources(build.id(), row.key()) : Map.of())
        .services(services.forJob(ref, build.repository()))
        .build();
  }
}
