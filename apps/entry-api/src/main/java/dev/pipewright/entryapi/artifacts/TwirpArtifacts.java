package dev.pipewright.entryapi.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pipewright.auth.RuntimeScope;
import dev.pipewright.auth.RuntimeTokens;
import dev.pipewright.blobs.BlobIntegrityException;
import dev.pipewright.models.CiException;
import dev.pipewright.store.ArtifactRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /twirp/github.actions.results.api.v1.ArtifactService/<Method>}: the results
 * service @actions/artifact 2.x calls (artifact-twirp-client.ts), authorised by the job's {@code
 * ACTIONS_RUNTIME_TOKEN} only. A token reaches its own build's artifacts; it creates and finalizes
 * only as its own job. Errors are Twirp JSON errors with Twirp's HTTP statuses; the client retries
 * 429 and 5xx and fails at once on the rest, so refusals are 401/403/404/409.
 */
final class TwirpArtifacts implements HttpHandler {
  static final String PATH = "/twirp/github.actions.results.api.v1.ArtifactService/";
  private static final Logger log = LoggerFactory.getLogger(TwirpArtifacts.class);
  private static final int MAX_BODY = 64 * 1024;

  private final ArtifactService service;
  private final RuntimeTokens tokens;
  private final SignedUrls urls;
  private final Function<HttpExchange, String> baseUrl;

  TwirpArtifacts(
      ArtifactService service,
      RuntimeTokens tokens,
      SignedUrls urls,
      Function<HttpExchange, String> baseUrl) {
    this.service = Objects.requireNonNull(service);
    this.tokens = Objects.requireNonNull(tokens);
    this.urls = Objects.requireNonNull(urls);
    this.baseUrl = Objects.requireNonNull(baseUrl);
  }

  /** A refusal with its Twirp code and HTTP status. */
  static final class TwirpError extends RuntimeException {
    final int status;
    final String code;

    TwirpError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    ObjectNode reply;
    int status = 200;
    try {
      reply = dispatch(exchange);
    } catch (TwirpError e) {
      status = e.status;
      reply = TwirpJson.error(e.code, e.getMessage());
    } catch (IllegalArgumentException e) {
      status = 400;
      reply = TwirpJson.error("invalid_argument", e.getMessage());
    } catch (BlobIntegrityException e) {
      status = 400;
      reply = TwirpJson.error("invalid_argument", e.getMessage());
    } catch (CiException e) {
      status = Statuses.of(e.code());
      reply = TwirpJson.error(twirpCode(status), e.getMessage());
    }
    if (status >= 400) {
      log.info("Artifact service {}: {} {}", path(exchange), status, reply.path("msg").asText());
    }
    byte[] body = TwirpJson.MAPPER.writeValueAsBytes(reply);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String path(HttpExchange exchange) {
    return exchange.getRequestURI().getPath();
  }

  private ObjectNode dispatch(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      throw new TwirpError(405, "bad_route", "Twirp methods are called with POST");
    }
    String method = path(exchange).substring(PATH.length());
    RuntimeScope scope = scope(exchange);
    JsonNode request = TwirpJson.parse(body(exchange));
    return switch (method) {
      case "CreateArtifact" -> {
        TwirpJson.Create c = TwirpJson.create(request);
        ownJob(scope, c.ids());
        if (c.version() != 4) {
          throw new IllegalArgumentException(
              "artifact version " + c.version() + " is not supported (4 is)");
        }
        ArtifactRow a = service.create(scope, c.name(), c.expiresAt());
        yield TwirpJson.okWithUrl(
            urls.sign(baseUrl.apply(exchange), a.id(), SignedUrls.Access.WRITE));
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
        yield TwirpJson.signedUrl(
            urls.sign(baseUrl.apply(exchange), a.id(), SignedUrls.Access.READ));
      }
      case "DeleteArtifact" -> {
        TwirpJson.ByName d = TwirpJson.byName(request);
        ownBuild(scope, d.ids());
        Optional<Long> id = service.delete(scope.buildId(), d.name());
        yield TwirpJson.okWithId(id.orElseThrow(() -> notFound(d.name())));
      }
      default -> throw new TwirpError(404, "bad_route", "no method " + method);
    };
  }

  private static TwirpError notFound(String name) {
    return new TwirpError(404, "not_found", "no artifact named " + name);
  }

  private RuntimeScope scope(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new TwirpError(401, "unauthenticated", "an ACTIONS_RUNTIME_TOKEN is required");
    }
    try {
      return tokens.check(header.substring(7).strip());
    } catch (RuntimeTokens.InvalidRuntimeToken e) {
      throw new TwirpError(401, "unauthenticated", e.getMessage());
    }
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

  private static byte[] body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new TwirpError(413, "invalid_argument", "request body over " + MAX_BODY + " bytes");
      }
      return body;
    }
  }

  private static String twirpCode(int status) {
    return switch (status) {
      case 404 -> "not_found";
      case 409 -> "already_exists";
      case 400 -> "invalid_argument";
      case 503 -> "unavailable";
      default -> "internal";
    };
  }
}
