package dev.pipewright.cli.view;

import dev.pipewright.models.SubStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of {@code status}, {@code list} and {@code submit --output json}: snake_case
 * fields, states as the API's upper-case names, times as ISO-8601 instants, absent values as null.
 * Scripts depend on these names; add fields, never rename them.
 */
public final class BuildJson {
  private BuildJson() {}

  /** A build; with its jobs and their steps when {@code withJobs}. */
  public static Map<String, Object> build(BuildState build, boolean withJobs) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", build.id());
    json.put("pipeline_id", build.pipelineId());
    json.put("number", build.number());
    json.put("run_attempt", build.runAttempt());
    json.put("status", build.status().name());
    json.put("error_code", build.errorCode() == null ? null : build.errorCode().name());
    json.put("error_message", build.errorMessage());
    json.put("cancel_requested", build.cancelRequested());
    json.put("cancel_reason", build.cancelReason());
    json.put("create_time", time(build.createdAt()));
    json.put("start_time", time(build.startedAt()));
    json.put("finish_time", time(build.finishedAt()));
    if (withJobs) {
      List<Map<String, Object>> jobs = new ArrayList<>();
      for (JobState job : build.jobs()) {
        jobs.add(job(job));
      }
      json.put("jobs", jobs);
    }
    return json;
  }

  /** {@code {"builds": [...], "next_page_token": ...}} for {@code list}. */
  public static Map<String, Object> list(List<BuildState> builds, String nextPageToken) {
    List<Map<String, Object>> items = new ArrayList<>();
    for (BuildState build : builds) {
      items.add(build(build, false));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("builds", items);
    json.put(
        "next_page_token", nextPageToken == null || nextPageToken.isEmpty() ? null : nextPageToken);
    return json;
  }

  private static Map<String, Object> job(JobState job) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("key", job.key());
    json.put("name", job.name());
    json.put("status", job.status().name());
    json.put("error_code", job.errorCode() == null ? null : job.errorCode().name());
    json.put("error_message", job.errorMessage());
    json.put("start_time", time(job.startedAt()));
    json.put("finish_time", time(job.finishedAt()));
    List<Map<String, Object>> steps = new ArrayList<>();
    for (StepState step : job.steps()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("number", step.number());
      s.put("name", step.name());
      s.put("status", step.status().name());
      s.put("exit_code", step.exitCode());
      s.put("error_code", step.errorCode() == null ? null : step.errorCode().name());
      s.put("error_message", step.errorMessage());
      s.put("start_time", time(step.startedAt()));
      s.put("finish_time", time(step.finishedAt()));
      s.put("attempt", step.attempt());
      List<Map<String, Object>> annotations = new ArrayList<>();
      for (Annotation a : step.annotations()) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("level", a.level());
        j.put("message", a.message());
        j.put("file", a.file());
        j.put("line", a.line());
        j.put("column", a.column());
        j.put("end_line", a.endLine());
        j.put("end_column", a.endColumn());
        j.put("title", a.title());
        annotations.add(j);
      }
      s.put("annotations", annotations);
      s.put("sub_steps", subSteps(step.subSteps()));
      steps.add(s);
    }
    json.put("steps", steps);
    return json;
  }

  public static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static List<Map<String, Object>> subSteps(List<SubStep> steps) {
    List<Map<String, Object>> json = new ArrayList<>();
    for (SubStep step : steps) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("number", step.number());
      s.put("name", step.name());
      s.put("status", step.status().name());
      s.put("steps", subSteps(step.steps()));
      json.add(s);
    }
    return json;
  }
}
