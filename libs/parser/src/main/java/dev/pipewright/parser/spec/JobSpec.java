package dev.pipewright.parser.spec;

import java.util.List;
import java.util.Map;

/**
 * One workflow job, before matrix expansion.
 *
 * @param ifCondition the {@code if:} text without {@code ${{ }}} (null when absent)
 * @param timeoutMinutes a number or an expression (null: the runner's default of 360)
 * @param continueOnError {@code "true"}, {@code "false"} or an expression (null: false)
 * @param uses a reusable workflow reference; such a job has no steps
 * @param secrets {@code "inherit"} or a map of names to values, for reusable workflow calls
 * @param keys where each key written in the job starts, so a check made after parsing (what an
 *     executor can run) points at the key it is about
 */
public record JobSpec(
    String id,
    String name,
    List<String> needs,
    String ifCondition,
    RunsOn runsOn,
    ContainerSpec container,
    Map<String, ContainerSpec> services,
    Map<String, String> env,
    RunDefaults defaults,
    Map<String, String> outputs,
    String timeoutMinutes,
    String continueOnError,
    StrategySpec strategy,
    Concurrency concurrency,
    Object permissions,
    String environment,
    String uses,
    Map<String, Object> with,
    Object secrets,
    List<StepSpec> steps,
    SourcePos pos,
    Map<String, SourcePos> keys) {

  public JobSpec {
    keys = keys == null ? Map.of() : keys;
  }

  /** Where {@code key} is written in this job, or the job's own position when it is not. */
  public SourcePos at(String key) {
    return keys.getOrDefault(key, pos);
  }

  /** The name shown to people: {@code name:} if given, else the id. */
  public String displayName() {
    return name != null ? name : id;
  }
}
