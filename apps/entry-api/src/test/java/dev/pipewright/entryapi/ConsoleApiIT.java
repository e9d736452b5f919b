package dev.pipewright.entryapi;

import static dev.pipewright.entryapi.EntryApiIT.pipeline;
import static dev.pipewright.entryapi.EntryApiIT.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipewright.auth.IssuedToken;
import dev.pipewright.auth.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web console's HTTP side on the machine's PostgreSQL: its files, its JSON routes with the
 * roles of the matching RPCs, and its event streams (a build's state and a job's log, resumable
 * from a cursor; a live page of builds).
 */
class ConsoleApiIT {
  static ApiFixture fx;
  static IssuedToken read;
  static final HttpClient client = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();

  /** A hang guard for reading a stream, not a timing: the events come within milliseconds. */
  static final long STREAM_GUARD_SECONDS = 30;

  record Event(String name, String id, String data) {}

  @BeforeAll
  static void start() {
    fx = new ApiFixture();
    read = fx.tokens.create("console-reader", Role.READ);
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  static HttpRequest.Builder http(String path, IssuedToken token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.api.httpPort() + path));
    return token == null ? b : b.header("Authorization", "Bearer " + token.token().reveal());
  }

  static HttpResponse<String> get(String path, IssuedToken token) throws Exception {
    return client.send(http(path, token).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, IssuedToken token) throws Exception {
    return client.send(
        http(path, token).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Reads events until {@code last} names one (inclusive), or the stream ends. */
  static List<Event> events(Iterator<String> lines, String last) throws Exception {
    return CompletableFuture.supplyAsync(
            () -> {
              List<Event> events = new ArrayList<>();
              String name = null;
              String id = null;
              StringBuilder data = new StringBuilder();
              while (lines.hasNext()) {
                String line = lines.next();
                if (line.isEmpty()) {
                  if (name != null) {
                    events.add(new Event(name, id, data.toString()));
                    if (name.equals(last)) {
                      return events;
                    }
                  }
                  name = null;
                  data.setLength(0);
                } else if (line.startsWith("event: ")) {
                  name = line.substring(7);
                } else if (line.startsWith("id: ")) {
                  id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                  data.append(line.substring(6));
                }
              }
              return events;
            })
        .get(STREAM_GUARD_SECONDS, TimeUnit.SECONDS);
  }

  static HttpResponse<Stream<String>> stream(String path, String lastEventId) throws Exception {
    HttpRequest.Builder b = http(path, read);
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofLines());
  }

  static String logText(List<Event> events) throws Exception {
    StringBuilder text = new StringBuilder();
    for (Event e : events) {
      if (e.name().equals("log")) {
        for (JsonNode chunk : json.readTree(e.data()).get("chunks")) {
          text.append(chunk.get("content").asText());
        }
      }
    }
    return text.toString();
  }

  @Test
  void dataRoutesNeedTheRolesOfTheirRpcs() throws Exception {
    UUID id = UUID.fromString(fx.stub.startPipelineBuild(request(pipeline())).getBuildId());
    assertThat(get("/api/builds", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/builds/" + id + "/events", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/builds/" + id, read).statusCode()).isEqualTo(200);

    HttpResponse<String> refused = post("/api/builds/" + id + "/cancel", read);
    assertThat(refused.statusCode()).as("CancelBuild needs submit").isEqualTo(403);
    assertThat(fx.builds.find(id).orElseThrow().cancelRequested()).isFalse();

    HttpResponse<String> cancelled = post("/api/builds/" + id + "/cancel", fx.admin);
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(json.readTree(cancelled.body()).at("/build/id").asText()).isEqualTo(id.toString());
    assertThat(fx.builds.find(id).orElseThrow().cancelRequested()).isTrue();

    assertThat(get("/api/builds/" + id + "/cancel", read).statusCode()).isEqualTo(405);
    assertThat(post("/api/builds/" + id + "/rerun", read).statusCode())
        .as("RerunBuild needs submit")
        .isEqualTo(403);
    assertThat(get("/api/nothing", read).statusCode()).isEqualTo(404);
  }

  @Test
  void listsWithTheFiltersOfListBuildsAndRefusesBadOnes() throws Exception {
    String p = pipeline();
    String id = fx.stub.startPipelineBuild(request(p)).getBuildId();
    fx.stub.startPipelineBuild(request(pipeline()));

    HttpResponse<String> page = get("/api/builds?pipeline=" + p + "&status=Pending,QUEUED", read);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue(ConsoleJson.TYPE);
    JsonNode builds = json.readTree(page.body()).get("builds");
    assertThat(builds).hasSize(1);
    assertThat(builds.get(0).get("id").asText()).isEqualTo(id);
    assertThat(builds.get(0).get("status").asText())
        .isIn("BUILD_STATUS_PENDING", "BUILD_STATUS_QUEUED");
    assertThat(
            json.readTree(get("/api/builds?pipeline=" + p + "&status=failed", read).body())
                .get("builds"))
        .isEmpty();

    HttpResponse<String> bad = get("/api/builds?status=broken", read);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json.readTree(bad.body()).get("error").asText()).contains("unknown status 'broken'");
    assertThat(get("/api/builds/not-an-id", read).statusCode()).isEqualTo(400);
    assertThat(get("/api/builds/" + UUID.randomUUID(), read).statusCode()).isEqualTo(404);
    assertThat(get("/api/builds/" + UUID.randomUUID() + "/events", read).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aBuildStreamSendsStateAndTheJobsLogUntilTheEndAndResumesFromACursor() throws Exception {
    UUID id = UUID.fromString(fx.stub.startPipelineBuild(request(pipeline())).getBuildId());
    EntryApiIT.insertChunk(fx.database, id, "build", 1, 1, "first\n");
    EntryApiIT.insertChunk(fx.database, id, "other", 1, 1, "another job\n");
    String path = "/api/builds/" + id + "/events?job=build";

    HttpResponse<Stream<String>> live = stream(path, null);
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.headers().firstValue("Content-Type"))
        .hasValue("text/event-stream; charset=utf-8");
    List<Event> events;
    try (Stream<String> body = live.body()) {
      Iterator<String> lines = body.iterator();
      List<Event> before = events(lines, "log");
      assertThat(before.getFirst().name()).isEqualTo("build");
      assertThat(json.readTree(before.getFirst().data()).get("id").asText())
          .isEqualTo(id.toString());
      assertThat(logText(before)).isEqualTo("first\n");

      EntryApiIT.insertChunk(fx.database, id, "build", 2, 1, "second\n");
      fx.builds.requestCancel(id);
      events = new ArrayList<>(before);
      events.addAll(events(lines, "end"));
    }
    assertThat(events.getLast().name()).isEqualTo("end");
    assertThat(logText(events)).isEqualTo("first\nsecond\n");
    Event finalState = events.stream().filter(e -> e.name().equals("build")).toList().getLast();
    assertThat(json.readTree(finalState.data()).get("status").asText())
        .isEqualTo("BUILD_STATUS_CANCELLED");

    String firstCursor =
        events.stream().filter(e -> e.name().equals("log")).findFirst().orElseThrow().id();
    try (Stream<String> body = stream(path + "&cursor=" + firstCursor, null).body()) {
      assertThat(logText(events(body.iterator(), "end"))).isEqualTo("second\n");
    }
    try (Stream<String> body = stream(path, firstCursor).body()) {
      assertThat(logText(events(body.iterator(), "end")))
          .as("Last-Event-ID resumes as a cursor does")
          .isEqualTo("second\n");
    }
    assertThat(get(path + "&cursor=-3", read).statusCode()).isEqualTo(400);
  }

  @Test
  void theBuildListStreamSendsThePageAndAgainWhenItChanges() throws Exception {
    String p = pipeline();
    String first = fx.stub.startPipelineBuild(request(p)).getBuildId();
    try (Stream<String> body = stream("/api/builds/events?pipeline=" + p, null).body()) {
      Iterator<String> lines = body.iterator();
      JsonNode page = json.readTree(events(lines, "builds").getLast().data());
      assertThat(page.get("builds")).extracting(b -> b.get("id").asText()).containsExactly(first);

      String second = fx.stub.startPipelineBuild(request(p)).getBuildId();
      JsonNode next = json.readTree(events(lines, "builds").getLast().data());
      assertThat(next.get("builds"))
          .extracting(b -> b.get("id").asText())
          .containsExactly(second, first);
    }
  }

  @Test
  void servesTheConsoleFilesOpenlyAndItsPageForEveryAppPath() throws Exception {
    HttpResponse<String> index = get("/console/", null);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(index.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(index.body()).contains("<div id=\"app\">");
    assertThat(get("/console/builds/" + UUID.randomUUID() + "/jobs/test.1", null).body())
        .isEqualTo(index.body());

    String script = index.body().replaceAll("(?s).*src=\"(/console/assets/[^\"]+\\.js)\".*", "$1");
    HttpResponse<String> js = get(script, null);
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(js.headers().firstValue("Cache-Control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(get("/console/assets/gone.js", null).statusCode()).isEqualTo(404);

    HttpResponse<String> root = get("/", null);
    assertThat(root.statusCode()).isEqualTo(303);
    assertThat(root.headers().firstValue("Location")).hasValue("/console/");
    assertThat(get("/elsewhere", null).statusCode()).isEqualTo(404);
  }
}
