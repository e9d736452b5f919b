package dev.pipewright.cli;

import dev.pipewright.dag.JobInstance;
import dev.pipewright.dag.Plan;
import dev.pipewright.dag.PlannedJob;
import dev.pipewright.dag.Workflows;
import dev.pipewright.parser.WorkflowException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pipewright plan FILE}: the execution plan as JSON on standard output. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Print the execution plan of a workflow as JSON: the batches of job ids that can run in"
          + " parallel, and every job with its needs and matrix instances.",
      "Exit codes: 0 planned, 1 invalid workflow (errors on stderr), 2 usage error or unreadable"
          + " file."
    })
final class PlanCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The workflow YAML file.")
  private Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Plan plan = Workflows.load(WorkflowFile.read(file), file.toString()).plan();
      out.println(Documents.json(toJson(plan)));
      return ExitCodes.OK;
    } catch (WorkflowFile.UnreadableException e) {
      err.println(e.getMessage());
      return ExitCodes.USAGE;
    } catch (WorkflowException e) {
      Diagnostics.print(e, err);
      return ExitCodes.FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * The contract other tools read: {@code {"batches": [[id…]…], "jobs": [{"id", "needs",
   * "instances": [{"name", "matrix"}] or null}]}}.
   */
  static Map<String, Object> toJson(Plan plan) {
    List<Map<String, Object>> jobs = new ArrayList<>(plan.jobs().size());
    for (PlannedJob job : plan.jobs()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", job.id());
      json.put("needs", job.needs());
      List<Map<String, Object>> instances = null;
      if (!job.dynamic()) {
        instances = new ArrayList<>(job.instances().size());
        for (JobInstance instance : job.instances()) {
          Map<String, Object> i = new LinkedHashMap<>();
          i.put("name", instance.name());
          i.put("matrix", instance.matrix());
          instances.add(i);
        }
      }
      json.put("instances", instances);
      jobs.add(json);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("batches", plan.batches());
    json.put("jobs", jobs);
    return json;
  }
}
