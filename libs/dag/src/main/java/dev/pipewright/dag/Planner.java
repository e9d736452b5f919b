package dev.pipewright.dag;

import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.matrix.MatrixExpander;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.MatrixSpec;
import dev.pipewright.parser.spec.SourcePos;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a parsed workflow into a {@link Plan}: the dependency graph checked for cycles, the
 * parallel batches, and every job's instances with its matrix expanded. Pure and thread-safe.
 */
public final class Planner {

  /**
   * Plans a workflow.
   *
   * @throws WorkflowException (INVALID_SPEC) naming every dependency cycle, as a path {@code a → b
   *     → a} where each job needs the next, at the first job's position; also for needs on jobs
   *     that do not exist, which the parser normally reports first
   */
  public Plan plan(WorkflowSpec spec) {
    Map<String, JobSpec> jobs = spec.jobs();
    LinkedHashMap<String, List<String>> needsById = LinkedHashMap.newLinkedHashMap(jobs.size());
    for (JobSpec job : jobs.values()) {
      needsById.put(job.id(), job.needs() == null ? List.of() : job.needs());
    }
    JobGraph.Result graph = JobGraph.analyze(needsById);
    if (!graph.problems().isEmpty()) {
      throw new WorkflowException(
          graph.problems().stream().map(p -> diagnostic(spec, jobs.get(p.jobId()), p)).toList());
    }
    List<PlannedJob> planned = new ArrayList<>(jobs.size());
    for (JobSpec job : jobs.values()) {
      planned.add(
          new PlannedJob(job.id(), job.displayName(), needsById.get(job.id()), instances(job)));
    }
    return new Plan(graph.batches(), planned);
  }

  /** The job's instances, or null when its matrix is an expression evaluated at run time. */
  static List<JobInstance> instances(JobSpec job) {
    return instances(job, job.id(), "");
  }

  /**
   * The instances of a job placed in a build under {@code id}, their names prefixed with {@code
   * namePrefix} (a called workflow's jobs: their caller's name and " / ").
   */
  static List<JobInstance> instances(JobSpec job, String id, String namePrefix) {
    String name = namePrefix + job.displayName();
    MatrixSpec matrix = job.strategy() == null ? null : job.strategy().matrix();
    if (matrix == null) {
      return List.of(new JobInstance(id, name, Map.of()));
    }
    if (matrix.dynamic()) {
      return null;
    }
    List<Map<String, Object>> combos = MatrixExpander.expand(matrix);
    if (combos.size() == 1 && combos.getFirst().isEmpty()) {
      // An empty matrix runs the job once, like no matrix; keep the plain key.
      return List.of(new JobInstance(id, name, Map.of()));
    }
    List<JobInstance> instances = new ArrayList<>(combos.size());
    int n = 1;
    for (Map<String, Object> combo : combos) {
      instances.add(
          new JobInstance(
              id + "." + n++,
              namePrefix + MatrixExpander.instanceName(job.displayName(), combo),
              combo));
    }
    return instances;
  }

  private static Diagnostic diagnostic(WorkflowSpec spec, JobSpec job, JobGraph.Problem problem) {
    SourcePos pos = job.pos() != null ? job.pos() : SourcePos.UNKNOWN;
    String file = pos == SourcePos.UNKNOWN && spec.path() != null ? spec.path() : pos.file();
    return new Diagnostic(file, pos.line(), pos.column(), problem.message(), problem.hint());
  }
}
