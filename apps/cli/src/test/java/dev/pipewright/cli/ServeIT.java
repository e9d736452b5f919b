package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pipewright.queue.QueueNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pipewright serve} in this JVM, configured by a YAML file and an environment map, on the
 * machine's PostgreSQL and RabbitMQ (a database and queue prefix of its own): it serves builds, one
 * set of probes and metrics for both services, and interrupting it stops everything.
 */
class ServeIT {
  private static final Pattern PORTS =
      Pattern.compile("entry API on gRPC port (\\d+), HTTP port (\\d+)");

  private static final Pattern SUCCEEDED =
      Pattern.compile("(?m)^pipewright_builds_total\\{status=\"succeeded\"} (\\S+)$");

  @TempDir Path dir;

  private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final String databaseUrl = "jdbc:postgresql://127.0.0.1:5432/pw_serve_it_" + suffix;
  private final QueueNames names = QueueNames.withPrefix("pw-serve-it-" + suffix);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void dropDatabaseAndQueues() throws Exception {
    ItResources.drop(databaseUrl, names);
  }

  @Test
  void servesBuildsAndProbesUntilInterrupted() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("pipewright.yaml"),
            """
            database:
              url: %s
            amqp:
              queue-prefix: %s
            grpc:
              port: 50051
            workspace:
              root: %s
            worker:
              id: serve-it
              tick: 100ms
            shutdown:
              grace: 5s
            log:
              level: WARN
            """
                .formatted(databaseUrl, names.exchange(), dir.resolve("workspaces")));
    // The variables override the file: free ports, so parallel runs do not collide.
    Map<String, String> env = Map.of("PIPEWRIGHT_GRPC_PORT", "0", "PIPEWRIGHT_HTTP_PORT", "0");
    StringWriter err = new StringWriter();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread serve =
        Thread.ofPlatform()
            .name("serve-it")
            .start(
                () ->
                    exit.set(
                        Main.commandLine(env)
                            .setOut(new PrintWriter(new StringWriter(), true))
                            .setErr(new PrintWriter(err, true))
                            .execute("serve", "--config", config.toString())));
    try {
      Matcher ports = PORTS.matcher("");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ports.reset(err.toString()).find() || !serve.isAlive());
      assertThat(serve.isAlive()).as(err.toString()).isTrue();
      int grpcPort = Integer.parseInt(ports.group(1));
      int httpPort = Integer.parseInt(ports.group(2));
      assertThat(err.toString()).contains("pipewright: worker serve-it running");

      assertThat(succeededBuilds(httpPort)).isZero();

      Path workflow =
          Files.writeString(
              dir.resolve("ci.yml"),
              """
              on: push
              jobs:
                hello:
                  runs-on: ubuntu-latest
                  steps:
                    - run: echo served
              """);
      StringWriter out = new StringWriter();
      int submitted =
          Main.commandLine()
              .setOut(new PrintWriter(out, true))
              .setErr(new PrintWriter(new StringWriter(), true))
              .execute(
                  "submit", workflow.toString(), "--follow", "--server", "127.0.0.1:" + grpcPort);
      assertThat(submitted).as(out.toString()).isZero();
      assertThat(out.toString()).contains("hello/1 | served");

      // One registry for both services: the worker's build counter moves on the shared port.
      await().atMost(Duration.ofSeconds(10)).until(() -> succeededBuilds(httpPort) == 1.0);
      assertThat(get(httpPort, "/metrics").body()).contains("jvm_memory_used_bytes");
      assertThat(get(httpPort, "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(httpPort, "/readyz");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(ready.body())
          .contains(
              "{\"name\":\"database\",\"status\":\"up\"",
              "{\"name\":\"rabbitmq\",\"status\":\"up\"",
              "{\"name\":\"api-database\",\"status\":\"up\"",
              "{\"name\":\"api-rabbitmq\",\"status\":\"up\"");
      // The entry API records into the same registry and lends its plain-text log route.
      assertThat(get(httpPort, "/metrics").body()).contains("pipewright_builds_admitted_total");

      serve.interrupt();
      serve.join(Duration.ofSeconds(30));
      assertThat(serve.isAlive()).isFalse();
      assertThat(exit.get()).as(err.toString()).isZero();
      assertThat(refused(grpcPort)).as("gRPC port closed").isTrue();
      assertThat(refused(httpPort)).as("HTTP port closed").isTrue();
    } finally {
      if (serve.isAlive()) {
        serve.interrupt();
        serve.join(Duration.ofSeconds(30));
      }
    }
  }

  /** {@code pipewright_builds_total{status="succeeded"}} as scraped. */
  private double succeededBuilds(int port) throws Exception {
    Matcher m = SUCCEEDED.matcher(get(port, "/metrics").body());
    assertThat(m.find()).as("pipewright_builds_total{status=\"succeeded\"} is exported").isTrue();
    return Double.parseDouble(m.group(1));
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static boolean refused(int port) throws IOException {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    }
  }
}
