package dev.pipewright.entryapi;

import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.GetBuildLogsRequest;
import dev.pipewright.api.ci.v1.GetBuildLogsResponse;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.ListBuildsRequest;
import dev.pipewright.api.ci.v1.ListBuildsResponse;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;

/**
 * The console's live updates as server-sent events. The server reads the store and pushes what
 * changed, so a page holds one connection instead of polling each element:
 *
 * <ul>
 *   <li>{@link #builds}: a page of builds ({@code builds}: a ListBuildsResponse) at once and again
 *       whenever it changes;
 *   <li>{@link #build}: a build with its jobs ({@code build}: a Build) at once and whenever it
 *       changes, a job's log ({@code log}: a GetBuildLogsResponse whose event id is its cursor)
 *       from a cursor on, through the same {@link LogFollower} as GetBuildLogs, then {@code end}
 *       once the build (and the job's log) finished, and the stream closes.
 * </ul>
 *
 * Each stream runs on its request's virtual thread and ends when the client leaves (a write fails).
 */
final class ConsoleEvents {
  /** How long a connection may stay silent before a comment line checks the client is there. */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  /**
   * A page of builds is read at most this often per console: lists change at human pace, and each
   * read is a query.
   */
  static final Duration LIST_PERIOD = Duration.ofSeconds(1);

  private final PipelineServiceImpl service;
  private final Duration period;

  /**
   * @param period how often a build's state is read again (the API's log poll interval)
   */
  ConsoleEvents(PipelineServiceImpl service, Duration period) {
    this.service = service;
    this.period = period;
  }

  /** Pushes the page whenever it differs from the last one pushed; never ends by itself. */
  void builds(SseStream out, ListBuildsRequest request, String branch)
      throws IOException, InterruptedException {
    String last = null;
    long lastWrite = System.nanoTime();
    while (true) {
      ListBuildsResponse page =
          ConsoleJson.call((q, r) -> service.listBuilds(q, branch, r), request);
      String json = ConsoleJson.print(page);
      if (!json.equals(last)) {
        out.event("builds", null, json);
        last = json;
        lastWrite = System.nanoTime();
      } else if (System.nanoTime() - lastWrite > KEEP_ALIVE.toNanos()) {
        out.keepAlive();
        lastWrite = System.nanoTime();
      }
      // A poll period, not a synchronisation: the store is read again after it.
      Thread.sleep(LIST_PERIOD);
    }
  }

  /**
   * Follows a build, and the log of {@code logs}'s job when given, until both finished.
   *
   * @param logs the job's log from its cursor on (follow set), or null for the build alone
   * @throws StatusRuntimeException when the build cannot be read (before anything was sent, the
   *     caller answers it as an HTTP error)
   */
  void build(SseStream out, String buildId, GetBuildLogsRequest logs)
      throws IOException, InterruptedException {
    GetBuildRequest get = GetBuildRequest.newBuilder().setBuildId(buildId).build();
    QueuedLogStream queue = null;
    if (logs != null) {
      queue = new QueuedLogStream();
      service.getBuildLogs(logs, queue);
    }
    try {
      follow(out, get, queue);
    } finally {
      if (queue != null) {
        queue.cancel();
      }
    }
  }

  private void follow(SseStream out, GetBuildRequest get, QueuedLogStream logs)
      throws IOException, InterruptedException {
    String last = null;
    boolean logsDone = logs == null;
    long nextRead = System.nanoTime();
    long lastWrite = System.nanoTime();
    while (true) {
      long now = System.nanoTime();
      if (now - nextRead >= 0) {
        Build build = ConsoleJson.call(service::getBuild, get);
        String json = ConsoleJson.print(build);
        if (!json.equals(last)) {
          out.event("build", null, json);
          last = json;
          lastWrite = now;
        }
        // The build's end is read before the log's: a runner stores a job's lines before its end,
        // so a finished build whose log stream completed has sent every line.
        if (Protos.status(build.getStatus()).terminal() && logsDone) {
          out.event("end", null, "{}");
          return;
        }
        nextRead = now + period.toNanos();
      }
      if (now - lastWrite > KEEP_ALIVE.toNanos()) {
        out.keepAlive();
        lastWrite = now;
      }
      if (logsDone) {
        // Nothing else to wait for until the next read of the build.
        Thread.sleep(Duration.ofNanos(Math.max(0, nextRead - System.nanoTime())));
        continue;
      }
      Object next = logs.take(Math.max(0, nextRead - System.nanoTime()));
      if (next instanceof GetBuildLogsResponse page) {
        out.event("log", page.getCursor(), ConsoleJson.print(page));
        lastWrite = System.nanoTime();
      } else if (next instanceof QueuedLogStream.Completed) {
        logsDone = true;
        nextRead = System.nanoTime(); // read the final state now rather than after a period
      } else if (next instanceof QueuedLogStream.Failed failed) {
        StatusRuntimeException status = GrpcErrors.toStatus(failed.error());
        out.event("error", null, ConsoleJson.error(ConsoleJson.describe(status)));
        return;
      }
    }
  }
}
