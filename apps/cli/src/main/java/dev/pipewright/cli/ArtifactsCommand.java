package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.Artifact;
import dev.pipewright.api.ci.v1.GetArtifactRequest;
import dev.pipewright.api.ci.v1.ListArtifactsRequest;
import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.cli.client.ProtoViews;
import dev.pipewright.cli.view.ArtifactTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pipewright artifacts BUILD}: list a build's artifacts, or download them. */
@Command(
    name = "artifacts",
    mixinStandardHelpOptions = true,
    description = {
      "List a build's artifacts, or download them with --download: each into DIR/<name>/,"
          + " checked against its SHA-256, a zip (what upload-artifact stores) extracted.",
      "Exit codes: 0 listed or downloaded, 1 no such build or artifact, a damaged download or"
          + " the API failed, 2 usage error."
    })
final class ArtifactsCommand extends ClientCommand {
  @Parameters(paramLabel = "BUILD", description = "The build id.")
  String buildId;

  @Option(names = "--name", paramLabel = "N", description = "Only the artifact named N.")
  String name;

  @Option(
      names = "--download",
      paramLabel = "DIR",
      description = "Download into DIR/<name>/ instead of listing.")
  Path download;

  @Mixin OutputOptions output;

  @Override
  int run(ApiClient api) {
    List<Artifact> artifacts;
    if (download != null && name != null) {
      // Straight to GetArtifact: its refusal says why (being uploaded, expired), a list cannot.
      artifacts = List.of(Artifact.newBuilder().setName(name).build());
    } else {
      artifacts =
          api
              .call()
              .listArtifacts(ListArtifactsRequest.newBuilder().setBuildId(buildId).build())
              .getArtifactsList()
              .stream()
              .filter(a -> name == null || a.getName().equals(name))
              .toList();
      if (name != null && artifacts.isEmpty()) {
        err().println("pipewright: build " + buildId + " has no artifact named " + name);
        return ExitCodes.FAILED;
      }
    }
    return download == null ? list(artifacts) : download(api, artifacts);
  }

  private int list(List<Artifact> artifacts) {
    var states = ProtoViews.artifacts(artifacts);
    if (output.json()) {
      printJson(Map.of("artifacts", ArtifactTable.json(states)));
    } else if (artifacts.isEmpty()) {
      err().println("no artifacts");
    } else {
      ArtifactTable.rows(states).forEach(out()::println);
    }
    return ExitCodes.OK;
  }

  private int download(ApiClient api, List<Artifact> artifacts) {
    List<Map<String, Object>> saved = new ArrayList<>();
    for (Artifact a : artifacts) {
      ArtifactDownload.Saved s;
      try {
        s =
            ArtifactDownload.save(
                api.stream()
                    .getArtifact(
                        GetArtifactRequest.newBuilder()
                            .setBuildId(buildId)
                            .setName(a.getName())
                            .build()),
                download);
      } catch (IOException e) {
        err().println("pipewright: " + e.getMessage());
        return ExitCodes.FAILED;
      }
      if (output.json()) {
        Map<String, Object> json =
            new LinkedHashMap<>(ArtifactTable.json(ProtoViews.artifact(s.artifact())));
        json.put("path", s.path().toString());
        json.put("files", s.files());
        json.put("extracted", s.extracted());
        saved.add(json);
      } else {
        out()
            .println(
                "saved "
                    + s.artifact().getName()
                    + " to "
                    + s.path()
                    + ": "
                    + s.files()
                    + (s.files() == 1 ? " file, " : " files, ")
                    + ArtifactTable.size(s.artifact().getSize())
                    + ", sha256 "
                    + s.artifact().getSha256()
                    + " verified");
      }
    }
    if (output.json()) {
      printJson(Map.of("artifacts", saved));
    } else if (artifacts.isEmpty()) {
      err().println("no artifacts");
    }
    return ExitCodes.OK;
  }
}
