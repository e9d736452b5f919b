package dev.pipewright.entryapi.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.store.ArtifactRow;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /twirp/github.actions.results.api.v1.ArtifactService/<Method>}: the results service
 * that {@code @actions/artifact} 2.x calls (artifact-twirp-client.ts). A token reaches its own
 * build's artifacts; it creates and finalizes only as its own job.
 */
final class TwirpArtifacts extends TwirpService {
  static final String PATH = "/twirp/github.actions.results.api.v1.ArtifactService/";

  private final ArtifactService service;

  TwirpArtifacts(ArtifactService service, SignedUrls urls, Access access) {
    super(PATH, urls, access);
    this.service = Objects.requireNonNull(service);
  }

  @Override
  ObjectNode call(String method, RuntimeScope scope, JsonNode request, HttpExchange exchange)
      throws IOException {
    return switch (method) {
      case "CreateArtifact" -> {
        TwirpJson.Create c = TwirpJson.create(request);
        ownJob(scope, c.ids());
        if (c.version() != 4) {
          throw new IllegalArgumentException(
              "artifact version " + c.version() + " is not supported (4 is)");
        }
        ArtifactRow a = service.create(scope, c.name(), c.expiresAt());
        yield TwirpJson.okWithUrl(signedUrl(exchange, a.id(), SignedUrls.Access.WRITE));
      }
      case "FinalizeArtifact" -> {
        TwirpJson.Finalize f = TwirpJson.finalizeRequest(request);
        ownJob(scope, f.ids());
        yield TwirpJson.okWithId(service.finalizeArtifact(scope, f.name(), f.size(), f.hash()));
      }
      case "ListArtifacts" -> {
        TwirpJson.ListRequest l = TwirpJson.list(request);
        ownBuild(scope, l.ids());
        yield TwirpJson.artifacts(
            service.list(scope.buildId(), l.nameFilter(), l.idFilter()),
            a -> RuntimeScope.jobBackendId(a.buildId(), a.jobKey()));
      }
      case "GetSignedArtifactURL" -> {
        TwirpJson.ByName g = TwirpJson.byName(request);
        ownBuild(scope, g.ids());
        ArtifactRow a =
            service.readable(scope.buildId(), g.name()).orElseThrow(() -> notFound(g.name()));
        yield TwirpJson.signedUrl(signedUrl(exchange, a.id(), SignedUrls.Access.READ));
      }
      case "DeleteArtifact" -> {
        TwirpJson.ByName d = TwirpJson.byName(request);
        ownBuild(scope, d.ids());
        Optional<Long> id = service.delete(scope.buildId(), d.name());
        yield TwirpJson.okWithId(id.orElseThrow(() -> notFound(d.name())));
      }
      default -> throw noMethod(method);
    };
  }

  private static TwirpError notFound(String name) {
    return new TwirpError(404, "not_found", "no artifact named " + name);
  }

  /** The token's build is the request's. */
  private static void ownBuild(RuntimeScope scope, TwirpJson.Ids ids) {
    if (!scope.runBackendId().equals(ids.runBackendId())) {
      throw new TwirpError(
          403,
          "permission_denied",
          "the runtime token is for build " + scope.buildId() + ", not " + ids.runBackendId());
    }
  }

  /** The token's build and job are the request's. */
  private static void ownJob(RuntimeScope scope, TwirpJson.Ids ids) {
    ownBuild(scope, ids);
    if (!scope.jobBackendId().equals(ids.jobBackendId())) {
      throw new TwirpError(
          403, "permission_denied", "the runtime token is for another job of this build");
    }
  }
}
