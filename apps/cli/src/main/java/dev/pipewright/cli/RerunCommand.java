package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.RerunBuildRequest;
import dev.pipewright.api.ci.v1.RerunBuildResponse;
import dev.pipewright.cli.client.ApiClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pipewright rerun BUILD [--failed]}: runs a finished build again as its next attempt. */
@Command(
    name = "rerun",
    mixinStandardHelpOptions = true,
    description = {
      "Run a finished build again as its next attempt: all of its jobs, or with --failed only its"
          + " failed and cancelled jobs and the jobs that need them (the others keep their"
          + " results and outputs).",
      "Exit codes: 0 re-run started (with --follow: succeeded), 1 no such build, not finished,"
          + " nothing failed, API failure or (with --follow) a build that did not succeed, 2 usage"
          + " error, 130 interrupted (the build is cancelled)."
    })
final class RerunCommand extends ClientCommand {
  @Parameters(paramLabel = "BUILD", description = "The build id.")
  String buildId;

  @Option(
      names = "--failed",
      description = "Only the failed and cancelled jobs and what depends on them.")
  boolean failedOnly;

  @Option(
      names = {"-f", "--follow"},
      description = "Show progress and logs until the build ends.")
  boolean follow;

  @Option(
      names = "--secret",
      paramLabel = "NAME[=VALUE]",
      description =
          "The value of a secret the build was started with (repeatable; needed again, as a"
              + " finished build keeps none). Without =VALUE it is read from the environment"
              + " variable NAME.")
  List<String> secrets = List.of();

  @Mixin OutputOptions output;

  @Override
  int run(ApiClient api) throws Exception {
    Map<String, String> values;
    try {
      values = VariableOptions.parse("--secret", secrets, System.getenv());
    } catch (IllegalArgumentException e) {
      err().println("pipewright: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    RerunBuildResponse started =
        api.call()
            .rerunBuild(
                RerunBuildRequest.newBuilder()
                    .setBuildId(buildId)
                    .setFailedOnly(failedOnly)
                    .putAllSecrets(values)
                    .build());
    String id = started.getBuild().getId();
    int attempt = started.getBuild().getRunAttempt();
    if (output.json() && !follow) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("id", id);
      json.put("runAttempt", attempt);
      json.put("jobs", started.getJobKeysList());
      printJson(json);
      return ExitCodes.OK;
    }
    (output.json() ? err() : out())
        .println(
            "build "
                + id
                + " attempt "
                + attempt
                + ": running again "
                + String.join(", ", started.getJobKeysList()));
    return follow ? Submissions.follow(api, id, output, out(), err()) : ExitCodes.OK;
  }
}
