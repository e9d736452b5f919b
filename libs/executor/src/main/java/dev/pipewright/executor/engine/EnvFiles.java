package dev.pipewright.executor.engine;

import dev.pipewright.executor.host.JobFiles;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.executor.program.CommandFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files one step gets to talk to the runner ({@code GITHUB_ENV}, {@code GITHUB_OUTPUT}, {@code
 * GITHUB_PATH}, {@code GITHUB_STEP_SUMMARY}, {@code GITHUB_STATE}), created empty before it runs
 * and read back after, through the host: on a container or pod host they are inside the job's
 * environment. Processing follows FileCommandManager.cs: a file that cannot be processed fails the
 * step with {@code Unable to process file command '<name>' successfully.}, the others still count;
 * a summary over 1 MiB is refused with an error line but does not fail the step.
 */
final class EnvFiles {
  /** GitHub's step summary limit (FileCommandManager.AttachmentSizeLimit). */
  static final int MAX_SUMMARY_BYTES = 1024 * 1024;

  private static final byte[] EMPTY = new byte[0];

  private final Map<String, String> paths = new LinkedHashMap<>();
  private Map<String, String> state = Map.of();

  /**
   * The files of one command of a step, in {@link JobPaths#runnerFiles()}, named after its id
   * ({@code step-3.a1}, {@code step-3.k2j4x.c2.a1} for a composite action's second inner step).
   */
  EnvFiles(JobPaths jobPaths, String commandId) {
    this(jobPaths.runnerFiles(), commandId);
  }

  /** The files of one command in {@code dir}: a step's container sees only that directory. */
  EnvFiles(String dir, String commandId) {
    String prefix = JobPaths.join(dir, commandId);
    for (Kind kind : Kind.values()) {
      paths.put(kind.variable, prefix + "." + kind.suffix);
    }
  }

  /**
   * What a step wrote, parsed.
   *
   * @param errors files that could not be processed: the step fails with the first
   * @param refusals what was refused without failing the step (an oversized summary): logged
   */
  record Written(
      Map<String, String> env,
      Map<String, String> outputs,
      Map<String, String> state,
      List<String> path,
      String summary,
      List<String> errors,
      List<String> refusals) {

    /** The first error: the step's failure message, or null. */
    String failure() {
      return errors.isEmpty() ? null : errors.getFirst();
    }
  }

  private enum Kind {
    ENV("GITHUB_ENV", "env", "env"),
    OUTPUT("GITHUB_OUTPUT", "output", "output"),
    PATH("GITHUB_PATH", "path", "path"),
    SUMMARY("GITHUB_STEP_SUMMARY", "summary", "step_summary"),
    STATE("GITHUB_STATE", "state", "state");

    final String variable;
    final String suffix;
    final String contextName;

    Kind(String variable, String suffix, String contextName) {
      this.variable = variable;
      this.suffix = suffix;
      this.contextName = contextName;
    }
  }

  /** {@code GITHUB_ENV} → its path, and so on: for the step's environment. */
  Map<String, String> variables() {
    return paths;
  }

  /** The {@code github} context fields naming the files: {@code env}, {@code output}... */
  Map<String, Object> githubFields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Kind kind : Kind.values()) {
      fields.put(kind.contextName, paths.get(kind.variable));
    }
    return fields;
  }

  /**
   * Writes the empty files and, in the same round trip, the step's script (none for a JavaScript
   * action, whose script is the action's own: {@code scriptPath} null).
   */
  void create(JobFiles files, String scriptPath, byte[] script) throws IOException {
    Map<String, byte[]> all = empties();
    if (scriptPath != null) {
      all.put(scriptPath, script);
    }
    files.writeAll(all);
  }

  /** Writes the empty files. */
  void create(JobFiles files) throws IOException {
    files.writeAll(empties());
  }

  private Map<String, byte[]> empties() {
    Map<String, byte[]> all = new LinkedHashMap<>();
    paths.values().forEach(p -> all.put(p, EMPTY));
    return all;
  }

  /**
   * Reads and parses the files. They stay until {@link #delete}: until the job's checkpoint holds
   * what they said, a worker that takes the job over reads them again.
   */
  Written collect(JobFiles files) throws IOException {
    List<String> all = new ArrayList<>(paths.values());
    Map<String, Optional<byte[]>> contents = files.readAll(all);
    Map<String, String> env = Map.of();
    Map<String, String> outputs = Map.of();
    Map<String, String> state = Map.of();
    List<String> path = List.of();
    String summary = null;
    List<String> errors = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      byte[] bytes = contents.get(paths.get(kind.variable)).orElse(EMPTY);
      if (bytes.length == 0) {
        continue;
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      try {
        switch (kind) {
          case ENV -> env = CommandFiles.parseKeyValues(text, kind.variable);
          case OUTPUT -> outputs = CommandFiles.parseKeyValues(text, kind.variable);
          case PATH -> path = CommandFiles.parsePath(text);
          // SaveStateFileCommand: STATE_* of the same action's later stages (a run step's
          // has no reader).
          case STATE -> state = CommandFiles.parseKeyValues(text, kind.variable);
          case SUMMARY -> summary = summary(bytes.length, text, refusals);
        }
      } catch (CommandFiles.FormatException e) {
        errors.add(
            "Unable to process file command '"
                + kind.contextName
                + "' successfully: "
                + e.getMessage());
      }
    }
    return new Written(env, outputs, state, path, summary, errors, refusals);
  }

  /** What the command saved ({@code GITHUB_STATE}, {@code ::save-state}), set after it ran. */
  void saved(Map<String, String> saved) {
    state = Map.copyOf(saved);
  }

  /** What the command saved for the later stages of its action: {@code STATE_<name>}. */
  Map<String, String> state() {
    return state;
  }

  void delete(JobFiles files) throws IOException {
    files.deleteAll(new ArrayList<>(paths.values()));
  }

  private static String summary(int size, String text, List<String> refusals) {
    if (size > MAX_SUMMARY_BYTES) {
      // Logged, not a failure: the runner only refuses to upload it.
      refusals.add(
          "$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of "
              + MAX_SUMMARY_BYTES / 1024
              + "k, got "
              + size / 1024
              + "k.");
      return null;
    }
    return text;
  }
}
