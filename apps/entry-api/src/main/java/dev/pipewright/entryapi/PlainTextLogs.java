package dev.pipewright.entryapi;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.ops.http.OpsHttpServer;
import dev.pipewright.store.BuildRepository;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /builds/{id}/logs[?job=KEY[&step=N]]}: a build's, job's or step's log so far as plain
 * text, every chunk in order, for {@code curl}. 404 for an unknown build or path, 400 for a bad id
 * or step. Streamed page by page, so a large log is never held whole.
 */
final class PlainTextLogs implements HttpHandler {
  static final String PATH = "/builds/";
  private static final String TEXT = "text/plain; charset=utf-8";

  private final BuildRepository builds;
  private final LogSource logs;

  PlainTextLogs(BuildRepository builds, LogSource logs) {
    this.builds = builds;
    this.logs = logs;
  }

  /** What a request asks for. */
  record Selection(UUID buildId, String jobKey, Integer stepNumber) {}

  /**
   * @return null when the path is not {@code /builds/{id}/logs}
   * @throws BadRequestException for a malformed build id or step, or a step without a job
   */
  static Selection parse(String path, String rawQuery) {
    if (!path.startsWith(PATH) || !path.endsWith("/logs")) {
      return null;
    }
    String id = path.substring(PATH.length(), path.length() - "/logs".length());
    if (id.contains("/")) {
      return null;
    }
    UUID buildId = Requests.buildId(id);
    Map<String, String> query = QueryString.parse(rawQuery);
    String job = query.get("job");
    if (job != null && job.isEmpty()) {
      job = null;
    }
    String step = query.get("step");
    Integer stepNumber = null;
    if (step != null) {
      if (job == null) {
        throw new BadRequestException("step", "needs a job");
      }
      try {
        stepNumber = Integer.parseInt(step);
      } catch (NumberFormatException e) {
        throw new BadRequestException("step", "not a step number: " + step);
      }
      if (stepNumber < 0) {
        throw new BadRequestException("step", "not a step number: " + step);
      }
    }
    return new Selection(buildId, job, stepNumber);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!OpsHttpServer.readOnly(exchange)) {
      return;
    }
    Selection selection;
    try {
      selection = parse(exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery());
    } catch (BadRequestException e) {
      OpsHttpServer.reply(exchange, 400, TEXT, e.getMessage() + "\n");
      return;
    }
    if (selection == null) {
      OpsHttpServer.reply(exchange, 404, TEXT, "not found\n");
      return;
    }
    if (builds.findRow(selection.buildId()).isEmpty()) {
      OpsHttpServer.reply(exchange, 404, TEXT, "no build " + selection.buildId() + "\n");
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", TEXT);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    // A database failure past this point can only cut the body short (logged by the server): the
    // status is sent already.
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      long cursor = 0;
      while (true) {
        List<LogChunk> chunks =
            logs.read(
                selection.buildId(),
                selection.jobKey(),
                selection.stepNumber(),
                cursor,
                LogFollower.PAGE);
        for (LogChunk chunk : chunks) {
          out.write(chunk.getContent().getBytes(StandardCharsets.UTF_8));
        }
        if (chunks.size() < LogFollower.PAGE) {
          return;
        }
        cursor = Long.parseLong(chunks.get(chunks.size() - 1).getCursor());
      }
    }
  }
}
