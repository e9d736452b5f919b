package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.dag.JobInstance;
import dev.pipewright.dag.LoadedWorkflow;
import dev.pipewright.dag.PlacedJob;
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
      PlacedJob placed = workflow.placed(planned.id());
      JobSpec job = placed.job();
      StrategySpec strategy = job.strategy();
      nodes.add(
          new JobNode(
              planned.id(),
              planned.needs(),
              // A caller's own if: is its last gate; it ends after its called jobs however they
              // ended (CallResults), so it is never skipped for their results.
              placed.caller() ? "always()" : job.ifCondition(),
              job.continueOnError(),
              strategy == null || strategy.failFast(),
              strategy == null ? null : strategy.maxParallel(),
              planned.dynamic(),
              placed.after(),
              placed.gates()));
    }
    return nodes;
  }

  /**
   * Every instance row, in plan order; a dynamic matrix gets one placeholder keyed by its id. Names
   * are rendered with {@code buildContexts} and each instance's matrix and strategy.
   */
  public static List<NewJob> rows(LoadedWorkflow workflow, Map<String, Object> buildContexts) {
    List<NewJob> rows = new ArrayList<>();
    for (PlannedJob planned : workflow.plan().jobs()) {
      PlacedJob placed = workflow.placed(planned.id());
      JobSpec job = placed.job();
      if (planned.dynamic()) {
        Map<String, Object> contexts = PlanNames.contexts(buildContexts, job, null, 0, 1);
        rows.add(row(placed, planned.id(), planned.name(), null, planned.needs(), contexts));
        continue;
      }
      List<JobInstance> instances = planned.instances();
      for (int i = 0; i < instances.size(); i++) {
        JobInstance instance = instances.get(i);
        Map<String, Object> contexts =
            PlanNames.contexts(buildContexts, job, instance.matrix(), i, instances.size());
        rows.add(
            row(
                placed,
                instance.key(),
                instance.name(),
                instance.matrix(),
                planned.needs(),
                contexts));
      }
    }
    return rows;
  }

  /**
   * @param name the planner's name, kept when the job's name cannot be rendered from {@code
   *     contexts}
   */
  static NewJob row(
      PlacedJob placed,
      String key,
      String name,
      Map<String, Object> matrix,
      List<String> needs,
      Map<String, Object> contexts) {
    JobSpec job = placed.job();
    List<String> steps =
        job.steps() == null
            ? List.of()
            : job.steps().stream()
                .map(StepSpec::displayName)
                .map(step -> PlanNames.render(step, contexts, step))
                .toList();
    String rendered = PlanNames.render(job.displayName(), contexts, null);
    String jobName = rendered == null ? name : placed.namePrefix() + rendered;
    return new NewJob(key, placed.id(), jobName, matrix, needs, steps);
  }
}
