package dev.pipewright.parser.spec;

import java.util.Map;

/**
 * A parsed, validated workflow. Values that GitHub allows to be {@code ${{ }}} expressions stay
 * strings here; runners evaluate them with {@code dev.pipewright.expressions}.
 *
 * @param on the {@code on:} block normalised to event name → its filter map (empty map when the
 *     event has no filters), kept for trigger matching; {@code schedule} becomes {@code {cron:
 *     [expressions...]}}
 * @param permissions as written: a string ({@code read-all}) or a map, or null
 * @param jobs in source order
 * @param call {@code on: workflow_call}'s inputs, secrets and outputs; null when the workflow
 *     cannot be called
 * @param keys where each top-level key written in the file starts
 */
public record WorkflowSpec(
    String path,
    String name,
    String runName,
    Map<String, Object> on,
    Map<String, String> env,
    RunDefaults defaults,
    Concurrency concurrency,
    Object permissions,
    Map<String, JobSpec> jobs,
    WorkflowCall call,
    Map<String, SourcePos> keys) {

  public WorkflowSpec {
    keys = keys == null ? Map.of() : keys;
  }

  /** A workflow that cannot be called ({@code on} has no {@code workflow_call}). */
  public WorkflowSpec(
      String path,
      String name,
      String runName,
      Map<String, Object> on,
      Map<String, String> env,
      RunDefaults defaults,
      Concurrency concurrency,
      Object permissions,
      Map<String, JobSpec> jobs) {
    this(path, name, runName, on, env, defaults, concurrency, permissions, jobs, null, Map.of());
  }

  /** Where top-level {@code key} is written, or the file's first line when it is not. */
  public SourcePos at(String key) {
    return keys.getOrDefault(key, new SourcePos(path, 1, 1));
  }

  public JobSpec job(String id) {
    return jobs.get(id);
  }
}
