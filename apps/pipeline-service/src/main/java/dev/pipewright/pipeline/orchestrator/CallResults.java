package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.dag.Call;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.Template;
import dev.pipewright.models.Conclusion;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.parser.spec.WorkflowCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How one instance of a calling job ends once its called jobs have: failed when one of them failed,
 * cancelled when one was cancelled, else succeeded with the called workflow's {@code outputs},
 * evaluated over the {@code jobs} context of its jobs ("Using outputs from a reusable workflow").
 * Pure.
 */
final class CallResults {
  private CallResults() {}

  /**
   * @param results {@code needs.<id>} of a job of the build, by its id in the build
   * @param contexts the build's {@code github} and {@code vars}, and the call's {@code inputs}
   */
  static JobResult of(
      Call call, Function<String, NeedResult> results, Map<String, Object> contexts) {
    Map<String, Object> jobs = new LinkedHashMap<>();
    List<String> failed = new ArrayList<>();
    boolean cancelled = false;
    for (String id : call.called().jobs().keySet()) {
      NeedResult result = results.apply(call.jobId(id));
      jobs.put(id, result.context());
      failed.addAll(result.result() == Conclusion.FAILURE ? List.of(id) : List.of());
      cancelled |= result.result() == Conclusion.CANCELLED;
    }
    String ref = call.caller().uses();
    if (!failed.isEmpty()) {
      return new JobResult(
          JobStatus.FAILED,
          Map.of(),
          ErrorCode.PERMANENT,
          ref + ": job " + String.join(", ", failed) + " failed");
    }
    if (cancelled) {
      return new JobResult(
          JobStatus.CANCELLED, Map.of(), ErrorCode.CANCELLED, ref + ": a job was cancelled");
    }
    Map<String, Object> scope = new LinkedHashMap<>(contexts);
    scope.put("jobs", jobs);
    EvalContext context = EvalContext.builder().contexts(scope).build();
    Map<String, String> outputs = new LinkedHashMap<>();
    for (WorkflowCall.Output output : call.called().call().outputs().values()) {
      try {
        outputs.put(output.id(), Template.parse(output.value()).render(context));
      } catch (RuntimeException e) {
        return new JobResult(
            JobStatus.FAILED,
            Map.of(),
            ErrorCode.INVALID_SPEC,
            output.pos() + ": output '" + output.id() + "': " + e.getMessage());
      }
    }
    return new JobResult(JobStatus.SUCCEEDED, outputs, null, null);
  }
}
