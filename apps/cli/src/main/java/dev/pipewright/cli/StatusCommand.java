package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.cli.client.ProtoViews;
import dev.pipewright.cli.view.ArtifactState;
import dev.pipewright.cli.view.ArtifactTable;
import dev.pipewright.cli.view.BuildJson;
import dev.pipewright.cli.view.BuildState;
import dev.pipewright.cli.view.ProgressRenderer;
import dev.pipewright.cli.view.Style;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pipewright status BUILD}: a build with its jobs and steps. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a build: its state, jobs and steps, and its artifacts.",
      "Exit codes: 0 shown, 1 no such build or the API failed, 2 usage error."
    })
final class StatusCommand extends ClientCommand {
  @Parameters(paramLabel = "BUILD", description = BUILD_HELP)
  String buildId;

  @Mixin ListingOutput output;

  @Override
  int run(ApiClient api) {
    Build proto = api.call().getBuild(GetBuildRequest.newBuilder().setBuildId(buildId).build());
    BuildState build = ProtoViews.build(proto);
    List<ArtifactState> artifacts = ProtoViews.artifacts(proto.getArtifactsList());
    switch (output.format) {
      case json -> printJson(withArtifacts(build, artifacts));
      case yaml -> out().print(Documents.yaml(withArtifacts(build, artifacts)));
      case name -> out().println(build.id());
      case text, wide -> {
        new ProgressRenderer(Style.of(output.live()), false)
            .details(build, Instant.now(), output.format == ListingOutput.Format.wide)
            .forEach(out()::println);
        if (!artifacts.isEmpty()) {
          out().println("  artifacts:");
          ArtifactTable.rows(artifacts).forEach(row -> out().println("    " + row));
        }
      }
    }
    return ExitCodes.OK;
  }

  /** The build as JSON (or YAML) with its artifacts beside its jobs. */
  private static Map<String, Object> withArtifacts(
      BuildState build, List<ArtifactState> artifacts) {
    Map<String, Object> json = new LinkedHashMap<>(BuildJson.build(build, true));
    json.put("artifacts", ArtifactTable.json(artifacts));
    return json;
  }
}
