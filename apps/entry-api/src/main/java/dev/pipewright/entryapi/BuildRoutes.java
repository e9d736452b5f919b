package dev.pipewright.entryapi;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pipewright.entryapi.artifacts.ArtifactDownloads;
import dev.pipewright.ops.http.OpsHttpServer;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code /builds/...} on the HTTP side: one context for a build's plain-text logs and its artifact
 * downloads (the build id in the middle of the path rules out a context each).
 */
final class BuildRoutes implements HttpHandler {
  private final PlainTextLogs logs;
  private final Optional<ArtifactDownloads> downloads;

  BuildRoutes(PlainTextLogs logs, Optional<ArtifactDownloads> downloads) {
    this.logs = logs;
    this.downloads = downloads;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!ArtifactDownloads.matches(exchange.getRequestURI().getPath())) {
      logs.handle(exchange);
    } else if (downloads.isPresent()) {
      downloads.get().handle(exchange);
    } else {
      OpsHttpServer.reply(
          exchange,
          404,
          "text/plain; charset=utf-8",
          "the artifact service is off: the entry API has no secret key"
              + " (PIPEWRIGHT_SECRET_KEY_FILE)\n");
    }
  }
}
