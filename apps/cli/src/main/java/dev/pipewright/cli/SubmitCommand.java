package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.Repository;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.api.ci.v1.StartPipelineBuildResponse;
import dev.pipewright.api.ci.v1.Variable;
import dev.pipewright.cli.client.ApiClient;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pipewright submit FILE}: starts a build on the entry API, optionally following it. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Start a build of a workflow on the entry API; with --follow, show it live until it ends.",
      "Exit codes: 0 submitted (with --follow: succeeded), 1 invalid workflow, API failure or"
          + " (with --follow) a build that did not succeed, 2 usage error, 130 interrupted (the"
          + " build is cancelled)."
    })
final class SubmitCommand extends ClientCommand {
  @Parameters(paramLabel = "FILE", description = "The workflow YAML file.")
  Path file;

  @Option(
      names = {"-f", "--follow"},
      description = "Show progress and logs until the build ends.")
  boolean follow;

  @Option(
      names = "--pipeline",
      paramLabel = "ID",
      description = "The pipeline the build belongs to (default: the file name without extension).")
  String pipeline;

  @Option(
      names = "--repo",
      paramLabel = "URL",
      description =
          "The repository to build: a clone URL or a local directory (then --ref and --sha"
              + " default to its checkout); default: the git checkout around the current"
              + " directory, as for 'run'.")
  String repo;

  @Option(names = "--ref", paramLabel = "REF", description = "e.g. refs/heads/main.")
  String ref;

  @Option(names = "--sha", paramLabel = "SHA", description = "The commit to build.")
  String sha;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "Submitting again with the same key returns the first build.")
  String idempotencyKey;

  @Mixin VariableOptions variables;

  @Mixin OutputOptions output;

  @Override
  int run(ApiClient api) throws Exception {
    String yaml;
    Map<String, Variable> vars = new LinkedHashMap<>();
    try {
      yaml = WorkflowFile.read(file);
      variables.vars().forEach((k, v) -> vars.put(k, Variable.newBuilder().setValue(v).build()));
      variables
          .secrets(System.getenv())
          .forEach(
              (k, v) -> vars.put(k, Variable.newBuilder().setValue(v).setSecret(true).build()));
    } catch (WorkflowFile.UnreadableException | IllegalArgumentException e) {
      err()
          .println(
              e.getMessage().startsWith("pipewright:")
                  ? e.getMessage()
                  : "pipewright: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    StartPipelineBuildRequest.Builder request =
        StartPipelineBuildRequest.newBuilder()
            .setWorkflowYaml(yaml)
            .setWorkflowPath(file.toString())
            .setPipelineId(pipeline != null ? pipeline : pipelineOf(file))
            .putAllVariables(vars);
    // As 'run' chooses it, then --ref and --sha over the checkout's.
    Repository repository = LocalRepository.choose(repo, Path.of("")).overriding(ref, sha).proto();
    if (repository != null) {
      request.setRepository(repository);
    }
    if (idempotencyKey != null) {
      request.setIdempotencyKey(idempotencyKey);
    }
    StartPipelineBuildResponse started = api.call().startPipelineBuild(request.build());
    return Submissions.report(api, started, follow, output, out(), err());
  }

  static String pipelineOf(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
