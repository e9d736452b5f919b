package dev.pipewright.entryapi.artifacts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pipewright.models.CiException;
import dev.pipewright.ops.http.OpsHttpServer;
import dev.pipewright.store.ArtifactRow;
import java.io.IOException;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * {@code GET /builds/{id}/artifacts/{name}}: an artifact's bytes as stored (for upload-artifact@v4,
 * a zip), for {@code curl} with an API token. {@code Content-Length}, the SHA-256 as {@code ETag}
 * and {@code X-Pipewright-Sha256}, one {@code Range} honoured (206). 400 for a bad build id, 404
 * for an unknown build or artifact, 409 for one being uploaded or expired. Authentication is the
 * caller's (the route is wrapped like the plain-text logs).
 */
public final class ArtifactDownloads implements HttpHandler {
  public static final String SHA256_HEADER = "X-Pipewright-Sha256";
  private static final String PREFIX = "/builds/";
  private static final String MIDDLE = "/artifacts/";
  private static final String TEXT = "text/plain; charset=utf-8";

  private final ArtifactAccess access;
  private final Predicate<UUID> buildExists;

  public ArtifactDownloads(ArtifactAccess access, Predicate<UUID> buildExists) {
    this.access = Objects.requireNonNull(access, "access");
    this.buildExists = Objects.requireNonNull(buildExists, "buildExists");
  }

  /** Whether {@code path} is this route's, {@code /builds/<one segment>/artifacts/<name>}. */
  public static boolean matches(String path) {
    if (!path.startsWith(PREFIX)) {
      return false;
    }
    int middle = path.indexOf('/', PREFIX.length());
    return middle > PREFIX.length()
        && path.startsWith(MIDDLE, middle)
        && path.length() > middle + MIDDLE.length()
        && path.indexOf('/', middle + MIDDLE.length()) < 0;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      refuse(exchange, 405, "MethodNotAllowed", "method not allowed");
      return;
    }
    // The decoded path: a name with spaces or other escaped characters arrives as uploaded.
    String path = exchange.getRequestURI().getPath();
    if (!matches(path)) {
      refuse(exchange, 404, "NotFound", "not found");
      return;
    }
    int middle = path.indexOf('/', PREFIX.length());
    String id = path.substring(PREFIX.length(), middle);
    String name = path.substring(middle + MIDDLE.length());
    UUID build;
    try {
      build = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      refuse(exchange, 400, "BadRequest", "not a build id: " + id);
      return;
    }
    ArtifactRow artifact;
    try {
      if (!buildExists.test(build)) {
        refuse(exchange, 404, "NotFound", "no build " + build);
        return;
      }
      artifact = access.find(build, name);
    } catch (CiException e) {
      refuse(exchange, Statuses.of(e.code()), e.code().name(), e.getMessage());
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    exchange.getResponseHeaders().set(SHA256_HEADER, artifact.blobSha256().orElseThrow());
    ArtifactBytes.send(
        exchange,
        access.service().uploads(),
        ArtifactService.content(artifact),
        exchange.getRequestHeaders().getFirst("Range"),
        ArtifactDownloads::refuse);
  }

  private static void refuse(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    OpsHttpServer.reply(exchange, status, TEXT, message + "\n");
  }
}
