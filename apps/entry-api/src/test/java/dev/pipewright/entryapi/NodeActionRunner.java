package dev.pipewright.entryapi;

import dev.pipewright.executor.program.CommandFiles;
import dev.pipewright.fixtures.actions.ActionFixtures;
import dev.pipewright.parser.ActionParser;
import dev.pipewright.parser.spec.ActionSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs a fixture JavaScript action of tests/action-fixtures with the machine's {@code node} the way
 * actions/runner runs a {@code node20} action, until the engine runs them itself: each input of the
 * manifest as {@code INPUT_<NAME>} (the name upper-cased, spaces as underscores, hyphens kept:
 * src/Runner.Worker/Handlers/NodeScriptActionHandler.cs), a manifest default for an input not given
 * (ActionRunner.cs), fresh {@code GITHUB_OUTPUT}, {@code GITHUB_STATE}, {@code GITHUB_ENV}, {@code
 * GITHUB_PATH} and {@code GITHUB_STEP_SUMMARY} files under {@code RUNNER_TEMP}
 * (FileCommandManager.cs), the job's variables, {@code node <action>/<runs.main>} in the workspace;
 * outputs and state read back from their files as the engine reads them.
 */
final class NodeActionRunner {
  private static final ActionParser PARSER = new ActionParser();

  /** What one run left: its exit code, its outputs and state, and what it printed. */
  record Result(int exitCode, Map<String, String> outputs, Map<String, String> state, String log) {
    boolean succeeded() {
      return exitCode == 0;
    }
  }

  private final Path action;
  private final ActionSpec manifest;

  private NodeActionRunner(Path action, ActionSpec manifest) {
    this.action = action;
    this.manifest = manifest;
  }

  /** The fixture action {@code name}, copied under {@code dir}. */
  static NodeActionRunner of(String name, Path dir) throws IOException {
    Path action = ActionFixtures.copy(name, dir.resolve(name));
    ActionSpec manifest =
        PARSER.parse(Files.readString(action.resolve("action.yml")), name + "/action.yml");
    if (!"node20".equals(manifest.runs().using())) {
      throw new IllegalArgumentException(name + " is not a node20 action");
    }
    return new NodeActionRunner(action, manifest);
  }

  /**
   * Runs the action in {@code workspace} with the job's variables {@code job} (which name {@code
   * RUNNER_TEMP}) and the step's {@code with:} inputs.
   *
   * @throws IllegalArgumentException for an input the manifest does not declare
   */
  Result run(Map<String, String> job, Path workspace, Map<String, String> with)
      throws IOException, InterruptedException {
    for (String input : with.keySet()) {
      if (!manifest.inputs().containsKey(input)) {
        throw new IllegalArgumentException("unexpected input '" + input + "'");
      }
    }
    Path commands =
        Files.createDirectories(Path.of(job.get("RUNNER_TEMP")).resolve("_runner_file_commands"));
    Map<String, Path> files = new LinkedHashMap<>();
    for (String file : List.of("GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_ENV", "GITHUB_PATH")) {
      files.put(
          file, Files.createFile(commands.resolve(file.toLowerCase(Locale.ROOT) + "_" + id())));
    }
    files.put("GITHUB_STEP_SUMMARY", Files.createFile(commands.resolve("step_summary_" + id())));

    ProcessBuilder pb =
        new ProcessBuilder("node", action.resolve(manifest.runs().main()).toString())
            .directory(workspace.toFile())
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    // Only what a runner's job would have: none of this machine's GitHub or runner variables.
    env.keySet()
        .removeIf(
            k ->
                k.startsWith("GITHUB_")
                    || k.startsWith("ACTIONS_")
                    || k.startsWith("RUNNER_")
                    || k.startsWith("INPUT_"));
    env.putAll(job);
    files.forEach((name, file) -> env.put(name, file.toString()));
    manifest
        .inputs()
        .forEach(
            (name, input) -> {
              String value = with.getOrDefault(name, input.defaultValue());
              if (value != null) {
                env.put("INPUT_" + name.replace(' ', '_').toUpperCase(Locale.ROOT), value);
              }
            });
    Process node = pb.start();
    String log = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!node.waitFor(5, TimeUnit.MINUTES)) {
      node.destroyForcibly();
      throw new IllegalStateException(manifest.name() + " did not end:\n" + log);
    }
    return new Result(
        node.exitValue(),
        CommandFiles.parseKeyValues(Files.readString(files.get("GITHUB_OUTPUT")), "GITHUB_OUTPUT"),
        CommandFiles.parseKeyValues(Files.readString(files.get("GITHUB_STATE")), "GITHUB_STATE"),
        log);
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }
}
