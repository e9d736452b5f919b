package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.cli.client.ProtoViews;
import dev.pipewright.cli.view.BuildJson;
import dev.pipewright.cli.view.ProgressRenderer;
import dev.pipewright.cli.view.Style;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pipewright logs BUILD}: stored output, or live with {@code --follow}. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print a build's logs, each line prefixed 'job/step |' (raw with --step; with -o json one"
          + " object per chunk and line).",
      "Exit codes: 0 printed, 1 no such build or the API failed, 2 usage error."
    })
final class LogsCommand extends ClientCommand {
  @Parameters(paramLabel = "BUILD", description = BUILD_HELP)
  String buildId;

  @Option(
      names = "--job",
      paramLabel = "JOB",
      description =
          "Only this job: its workflow id, its key (test.2) or the name the live view shows;"
              + " an unknown one is an error listing the build's jobs.")
  String job;

  @Option(
      names = "--step",
      paramLabel = "N",
      description = "Only this step of --job (1-based); prints its output as is.")
  Integer step;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new output until the selection finished.")
  boolean follow;

  @Mixin OutputOptions output;

  @Override
  int run(ApiClient api) {
    if (step != null && job == null) {
      err().println("pipewright: --step needs --job");
      return ExitCodes.USAGE;
    }
    GetBuildLogsRequest.Builder request =
        GetBuildLogsRequest.newBuilder().setBuildId(buildId).setFollow(follow);
    if (job != null) {
      request.setJobKey(job);
    }
    if (step != null) {
      request.setStepNumber(step);
    }
    ProgressRenderer renderer = new ProgressRenderer(Style.of(output.live()), false);
    Iterator<GetBuildLogsResponse> responses = api.stream().getBuildLogs(request.build());
    while (responses.hasNext()) {
      for (LogChunk chunk : responses.next().getChunksList()) {
        if (output.json()) {
          out().println(Documents.jsonLine(json(chunk)));
        } else if (step != null) {
          out().print(chunk.getContent());
        } else {
          renderer.log(ProtoViews.log(chunk)).forEach(out()::println);
        }
      }
      out().flush();
    }
    return ExitCodes.OK;
  }

  /** One object per chunk, on one line: a stream a script reads as it comes. */
  private static Map<String, Object> json(LogChunk chunk) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("job_key", chunk.getJobKey());
    json.put("step_number", chunk.getStepNumber());
    json.put("sequence", chunk.getSequence());
    json.put("content", chunk.getContent());
    json.put(
        "create_time",
        chunk.hasCreateTime() ? BuildJson.time(ProtoViews.instant(chunk.getCreateTime())) : null);
    json.put("cursor", chunk.getCursor());
    return json;
  }
}
