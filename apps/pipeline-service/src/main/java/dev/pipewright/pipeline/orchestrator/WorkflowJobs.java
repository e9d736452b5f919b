package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.dag.JobInstance;
import dev.pipewright.dag.LoadedWorkflow;
import dev.pipewright.dag.PlannedJob;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.StepSpec;
import dev.pipewright.parser.spec.StrategySpec;
import dev.pipewright.pipeline.reconcile.JobNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Pure mapping from a planned workflow to the reconciler's jobs and the rows to create. */
public final class WorkflowJobs {
  private WorkflowJobs() {}

  public static List<JobNode> nodes(LoadedWorkflow workflow) {
    List<JobNode> nodes = new ArrayList<>();
    for (PlannedJob planned : workflow.plan().jobs()) {
      JobSpec job = workflow.spec().job(planned.id());
      StrategySpec strategy = job.strategy();
      nodes.add(
          new JobNode(
              planned.id(),
              planned.needs(),
              job.ifCondition(),
              job.continueOnError(),
              strategy == null || strategy.failFast(),
              strategy == null ? null : strategy.maxParallel(),
              planned.dynamic()));
    }
    return nodes;
  }

  /** Every instance row, in plan order; a dynamic matrix gets one placeholder keyed by its id. */
  public static List<NewJob> rows(LoadedWorkflow workflow) {
    List<NewJob> rows = new ArrayList<>();
    for (PlannedJob planned : workflow.plan().jobs()) {
      JobSpec job = workflow.spec().job(planned.id());
      if (planned.dynamic()) {
        rows.add(row(job, planned.id(), planned.name(), null, planned.needs()));
        continue;
      }
      for (JobInstance instance : planned.instances()) {
        rows.add(row(job, instance.key(), instance.name(), instance.matrix(), planned.needs()));
      }
    }
    return rows;
  }

  static NewJob row(
      JobSpec job, String key, String name, Map<String, Object> matrix, List<String> needs) {
    List<String> steps =
        job.steps() == null ? List.of() : job.steps().stream().map(StepSpec::displayName).toList();
    return new NewJob(key, job.id(), name, matrix, needs, steps);
  }
}
