package dev.pipewright.entryapi;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.CancelBuildRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.ListBuildsResponse;
import dev.pipewright.api.ci.v1.PipelineServiceGrpc;
import dev.pipewright.api.ci.v1.RerunBuildRequest;
import dev.pipewright.auth.Role;
import dev.pipewright.ops.http.HttpGuard;
import dev.pipewright.ops.http.OpsHttpServer;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The web console's data routes, for the same API tokens as gRPC ({@code Authorization: Bearer})
 * and the roles {@link MethodRoles} gives the matching RPCs. They call the gRPC service's own
 * methods, so their rules exist once:
 *
 * <ul>
 *   <li>{@code GET /api/builds?pipeline=&status=failed,running&branch=&page_token=&page_size=}:
 *       ListBuilds (plus a branch filter);
 *   <li>{@code GET /api/builds/events?...}: the same page, live ({@link ConsoleEvents#builds});
 *   <li>{@code GET /api/builds/{id}}: GetBuild;
 *   <li>{@code GET /api/builds/{id}/events[?job=KEY&cursor=N]}: the build, live, with the job's log
 *       from the cursor on ({@code Last-Event-ID} when no cursor is given) ({@link
 *       ConsoleEvents#build});
 *   <li>{@code POST /api/builds/{id}/cancel}: CancelBuild.
 *   <li>{@code POST /api/builds/{id}/rerun[?failed_only=true]}: RerunBuild (a build started with
 *       secrets is refused: their values are not kept, and the console does not ask for them).
 * </ul>
 *
 * Answers are protobuf JSON ({@link ConsoleJson}). The token travels in a header, never in a
 * cookie, so another site cannot make a browser send it: the POST needs no CSRF token.
 */
final class ConsoleApi implements HttpHandler {
  static final String PATH = "/api/";
  private static final String BUILDS = "/api/builds";

  enum Kind {
    LIST("GET", PipelineServiceGrpc.getListBuildsMethod()),
    LIST_EVENTS("GET", PipelineServiceGrpc.getListBuildsMethod()),
    BUILD("GET", PipelineServiceGrpc.getGetBuildMethod()),
    BUILD_EVENTS("GET", PipelineServiceGrpc.getGetBuildLogsMethod()),
    CANCEL("POST", PipelineServiceGrpc.getCancelBuildMethod()),
    RERUN("POST", PipelineServiceGrpc.getRerunBuildMethod());

    final String method;

    /** The RPC whose role the route needs. */
    final MethodDescriptor<?, ?> rpc;

    Kind(String method, MethodDescriptor<?, ?> rpc) {
      this.method = method;
      this.rpc = rpc;
    }
  }

  /** What a path asks for; buildId is null for the lists. */
  record Target(Kind kind, String buildId) {}

  private final PipelineServiceImpl service;
  private final ConsoleEvents events;
  private final Map<Kind, HttpHandler> guarded = new EnumMap<>(Kind.class);

  ConsoleApi(PipelineServiceImpl service, ConsoleEvents events, HttpGuard guard) {
    this.service = service;
    this.events = events;
    for (Kind kind : Kind.values()) {
      Role role =
          MethodRoles.needed(kind.rpc.getFullMethodName())
              .orElseThrow(() -> new IllegalStateException(kind.rpc + " needs no token"));
      guarded.put(kind, guard.require(role, exchange -> serve(kind, exchange)));
    }
  }

  /**
   * @return null for a path that is no console route
   */
  static Target parse(String path) {
    if (path.equals(BUILDS)) {
      return new Target(Kind.LIST, null);
    }
    if (!path.startsWith(BUILDS + "/")) {
      return null;
    }
    String[] parts = path.substring(BUILDS.length() + 1).split("/", -1);
    if (parts.length == 1 && parts[0].equals("events")) {
      return new Target(Kind.LIST_EVENTS, null);
    }
    if (parts[0].isEmpty() || parts.length > 2) {
      return null;
    }
    if (parts.length == 1) {
      return new Target(Kind.BUILD, parts[0]);
    }
    return switch (parts[1]) {
      case "events" -> new Target(Kind.BUILD_EVENTS, parts[0]);
      case "cancel" -> new Target(Kind.CANCEL, parts[0]);
      case "rerun" -> new Target(Kind.RERUN, parts[0]);
      default -> null;
    };
  }

  /**
   * ListBuilds from the query: {@code status} is a comma-separated list of names in any case.
   *
   * @throws BadRequestException for an unknown status or a page size that is no number
   */
  static ListBuildsRequest listRequest(Map<String, String> query) {
    ListBuildsRequest.Builder b =
        ListBuildsRequest.newBuilder()
            .setPipelineId(query.getOrDefault("pipeline", ""))
            .setPageToken(query.getOrDefault("page_token", ""));
    for (String name : query.getOrDefault("status", "").split(",")) {
      if (name.isBlank()) {
        continue;
      }
      EnumValueDescriptor status =
          BuildStatus.getDescriptor()
              .findValueByName("BUILD_STATUS_" + name.strip().toUpperCase(Locale.ROOT));
      if (status == null || status.getNumber() == BuildStatus.BUILD_STATUS_UNSPECIFIED_VALUE) {
        throw new BadRequestException(
            "status",
            "unknown status '"
                + name.strip()
                + "', expected pending, queued, running, succeeded, failed or cancelled");
      }
      b.addStatusesValue(status.getNumber());
    }
    String size = query.get("page_size");
    if (size != null && !size.isEmpty()) {
      try {
        b.setPageSize(Integer.parseInt(size));
      } catch (NumberFormatException e) {
        throw new BadRequestException("page_size", "not a number: " + size);
      }
    }
    return b.build();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Target target = parse(exchange.getRequestURI().getPath());
    if (target == null) {
      OpsHttpServer.reply(exchange, 404, ConsoleJson.TYPE, ConsoleJson.error("not found"));
      return;
    }
    if (!exchange.getRequestMethod().equals(target.kind().method)) {
      exchange.getResponseHeaders().set("Allow", target.kind().method);
      OpsHttpServer.reply(exchange, 405, ConsoleJson.TYPE, ConsoleJson.error("method not allowed"));
      return;
    }
    guarded.get(target.kind()).handle(exchange);
  }

  private void serve(Kind kind, HttpExchange exchange) throws IOException {
    Target target = parse(exchange.getRequestURI().getPath());
    Map<String, String> query = QueryString.parse(exchange.getRequestURI().getRawQuery());
    try {
      switch (kind) {
        case LIST ->
            ConsoleJson.reply(
                exchange,
                ConsoleJson.<ListBuildsRequest, ListBuildsResponse>call(
                    (q, r) -> service.listBuilds(q, query.getOrDefault("branch", ""), r),
                    listRequest(query)));
        case LIST_EVENTS -> {
          ListBuildsRequest request = listRequest(query);
          events.builds(SseStream.open(exchange), request, query.getOrDefault("branch", ""));
        }
        case BUILD -> ConsoleJson.reply(exchange, ConsoleJson.call(service::getBuild, get(target)));
        case BUILD_EVENTS -> {
          GetBuildLogsRequest logs =
              logsRequest(
                  target.buildId(), query, exchange.getRequestHeaders().getFirst("Last-Event-ID"));
          // Refusals (a bad id, an unknown build) are HTTP errors, before the stream opens.
          ConsoleJson.call(service::getBuild, get(target));
          events.build(SseStream.open(exchange), target.buildId(), logs);
        }
        case CANCEL ->
            ConsoleJson.reply(
                exchange,
                ConsoleJson.call(
                    service::cancelBuild,
                    CancelBuildRequest.newBuilder().setBuildId(target.buildId()).build()));
        case RERUN ->
            ConsoleJson.reply(
                exchange,
                ConsoleJson.call(
                    service::rerunBuild,
                    RerunBuildRequest.newBuilder()
                        .setBuildId(target.buildId())
                        .setFailedOnly(Boolean.parseBoolean(query.get("failed_only")))
                        .build()));
      }
    } catch (StatusRuntimeException e) {
      if (exchange.getResponseCode() == -1) {
        ConsoleJson.replyError(exchange, e);
      }
    } catch (RuntimeException e) {
      if (exchange.getResponseCode() != -1) {
        throw e;
      }
      ConsoleJson.replyError(exchange, GrpcErrors.toStatus(e));
    } catch (InterruptedException e) {
      // The server is stopping: the stream ends with it.
      Thread.currentThread().interrupt();
    }
  }

  private static GetBuildRequest get(Target target) {
    return GetBuildRequest.newBuilder().setBuildId(target.buildId()).build();
  }

  /**
   * The job's log to follow, or null without {@code job}; the cursor from the query, else from the
   * {@code Last-Event-ID} a reconnecting EventSource sends.
   */
  static GetBuildLogsRequest logsRequest(
      String buildId, Map<String, String> query, String lastEventId) {
    String job = query.getOrDefault("job", "");
    if (job.isEmpty()) {
      return null;
    }
    String cursor = query.get("cursor");
    if (cursor == null) {
      cursor = lastEventId;
    }
    cursor = cursor == null ? "" : cursor.strip();
    Requests.cursor(cursor); // refused here, as a 400, rather than inside the stream
    return GetBuildLogsRequest.newBuilder()
        .setBuildId(buildId)
        .setJobKey(job)
        .setCursor(cursor)
        .setFollow(true)
        .build();
  }
}
