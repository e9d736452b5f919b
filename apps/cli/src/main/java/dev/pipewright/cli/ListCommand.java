package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.ListBuildsResponse;
import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.cli.client.ProtoViews;
import dev.pipewright.cli.view.BuildJson;
import dev.pipewright.cli.view.BuildState;
import dev.pipewright.cli.view.BuildTable;
import dev.pipewright.cli.view.Style;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pipewright list}: builds, newest first. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "List builds, newest first.",
      "Exit codes: 0 listed, 1 the API failed, 2 usage error."
    })
final class ListCommand extends ClientCommand {
  @Option(names = "--pipeline", paramLabel = "ID", description = "Only builds of this pipeline.")
  String pipeline;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      split = ",",
      description =
          "Only builds in these states: ${COMPLETION-CANDIDATES} (any case; repeat or"
              + " comma-separate).")
  List<dev.pipewright.models.BuildStatus> statuses = List.of();

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most this many builds (default ${DEFAULT-VALUE}, at most 500).")
  int limit = 50;

  @Option(names = "--page-token", paramLabel = "TOKEN", description = "Continue a listing.")
  String pageToken;

  @Mixin ListingOutput output;

  @Override
  int run(ApiClient api) {
    ListBuildsRequest.Builder request =
        ListBuildsRequest.newBuilder().setPageSize(Math.max(1, Math.min(limit, 500)));
    if (pipeline != null) {
      request.setPipelineId(pipeline);
    }
    if (pageToken != null) {
      request.setPageToken(pageToken);
    }
    for (dev.pipewright.models.BuildStatus status : statuses) {
      request.addStatuses(BuildStatus.forNumber(status.number()));
    }
    ListBuildsResponse response = api.call().listBuilds(request.build());
    List<BuildState> builds = new ArrayList<>();
    response.getBuildsList().forEach(b -> builds.add(ProtoViews.build(b)));
    switch (output.format) {
      case json -> printJson(BuildJson.list(builds, response.getNextPageToken()));
      case yaml -> out().print(Documents.yaml(BuildJson.list(builds, response.getNextPageToken())));
      case name -> builds.forEach(b -> out().println(b.id()));
      case text, wide -> {
        if (!builds.isEmpty()) {
          BuildTable.lines(
                  builds,
                  Instant.now(),
                  output.format == ListingOutput.Format.wide,
                  Style.of(output.live()))
              .forEach(out()::println);
        }
      }
    }
    if (builds.isEmpty()) {
      err().println("no builds");
    }
    if (!response.getNextPageToken().isEmpty()) {
      err().println("more: --page-token " + response.getNextPageToken());
    }
    return ExitCodes.OK;
  }
}
