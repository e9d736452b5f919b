package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.program.WorkflowCommands;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a job's steps hand on to the later ones: the variables of {@code GITHUB_ENV} (and the
 * deprecated {@code set-env}), the directories of {@code GITHUB_PATH} (and {@code add-path}), and
 * the names GitHub generates for steps without an id; all of it in the job's checkpoint. An
 * action's inner steps hand on to the job's as its own steps do. The job's thread only.
 */
final class StepHandover {
  private final JobHost host;
  private final Map<String, String> jobEnv;
  private final Map<String, String> fileEnv = new LinkedHashMap<>();

  /** {@code GITHUB_PATH} entries, latest first (FileCommandManager's PrependPath, reversed). */
  private final List<String> pathAdditions = new ArrayList<>();

  private final Map<String, Integer> generatedIds = new LinkedHashMap<>();

  /** The files of the last step's commands, deleted once the job's checkpoint holds them. */
  private final List<EnvFiles> lastFiles = new ArrayList<>();

  /**
   * @param jobEnv the workflow's and the job's env, evaluated
   */
  StepHandover(JobHost host, Map<String, String> jobEnv) {
    this.host = host;
    this.jobEnv = jobEnv;
  }

  /** The {@code env} context between steps: the job's env and what {@code GITHUB_ENV} added. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>(jobEnv);
    env.putAll(fileEnv);
    return env;
  }

  /** What the steps handed on, as a checkpoint recorded it. */
  void restore(JobCheckpoint c) {
    fileEnv.putAll(c.env());
    pathAdditions.addAll(c.path());
    generatedIds.putAll(c.generatedIds());
  }

  /** What {@code GITHUB_ENV} added so far, in order: for the job's checkpoint, as the two below. */
  Map<String, String> fileEnv() {
    return new LinkedHashMap<>(fileEnv);
  }

  List<String> pathAdditions() {
    return List.copyOf(pathAdditions);
  }

  Map<String, Integer> generatedIds() {
    return new LinkedHashMap<>(generatedIds);
  }

  /** The job's checkpoint holds what the last step's files said: they go. */
  void checkpointed() throws IOException {
    for (EnvFiles files : lastFiles) {
      files.delete(host.files());
    }
    lastFiles.clear();
  }

  /**
   * After a command ended: takes in what its files and workflow commands left for the later steps,
   * logging the entries refused.
   *
   * @return what its files said, for the command's own result
   */
  EnvFiles.Written takeIn(EnvFiles files, WorkflowCommands commands, LogChunker log)
      throws IOException {
    EnvFiles.Written written = files.collect(host.files());
    lastFiles.add(files);
    fileEnv.putAll(commands.legacyEnv());
    fileEnv.putAll(written.env());
    commands.legacyPath().reversed().forEach(this::prependPath);
    written.path().forEach(this::prependPath);
    written.refusals().forEach(r -> log.runnerLine("##[error]" + r));
    return written;
  }

  /** PATH as the step sees it: {@code GITHUB_PATH} entries (latest first) before its own. */
  String path(Map<String, String> env) {
    String base = env.getOrDefault("PATH", host.baseEnvironment().get("PATH"));
    if (pathAdditions.isEmpty()) {
      return base == null ? "" : base;
    }
    String added = String.join(":", pathAdditions);
    return base == null || base.isEmpty() ? added : added + ":" + base;
  }

  private void prependPath(String dir) {
    pathAdditions.remove(dir);
    pathAdditions.addFirst(dir);
  }

  /**
   * {@code github.action}: the step's id, else the name GitHub generates ({@code __run}, {@code
   * __run_2}... for scripts, {@code __owner_repo} for actions).
   */
  String actionName(StepSpec step) {
    if (step.id() != null && !step.id().isEmpty()) {
      return step.id();
    }
    String base =
        step.uses() == null
            ? "__run"
            : "__" + step.uses().replaceAll("@.*$", "").replaceAll("[^A-Za-z0-9]", "_");
    int n = generatedIds.merge(base, 1, Integer::sum);
    return n == 1 ? base : base + "_" + n;
  }
}
