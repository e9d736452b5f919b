package dev.pipewright.ops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipewright.auth.ApiToken;
import dev.pipewright.auth.Authenticator;
import dev.pipewright.auth.Credential;
import dev.pipewright.auth.Role;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpsHttpServerTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final CountDownLatch never = new CountDownLatch(1);
  private OpsHttpServer server;

  @AfterEach
  void stop() {
    never.countDown();
    if (server != null) {
      server.close();
    }
    client.close();
  }

  @Test
  void healthzUntilShuttingDown() throws Exception {
    server = OpsHttpServer.builder(0).start();
    assertThat(server.port()).isPositive();

    HttpResponse<String> ok = get("/healthz");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("ok\n");

    server.markShuttingDown();
    HttpResponse<String> stopping = get("/healthz");
    assertThat(stopping.statusCode()).isEqualTo(503);
    assertThat(stopping.body()).isEqualTo("shutting down\n");
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(json.readTree(ready.body()).get("status").asText()).isEqualTo("shutting_down");
  }

  @Test
  void readyWhenEveryCheckIsUp() throws Exception {
    server =
        OpsHttpServer.builder(0)
            .readiness("database", () -> {})
            .readiness("rabbitmq", ReadinessCheck.of(() -> true))
            .start();

    HttpResponse<String> r = get("/readyz");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("status").asText()).isEqualTo("ready");
    assertThat(body.get("checks")).hasSize(2);
    assertThat(body.get("checks").get(0).get("name").asText()).isEqualTo("database");
    assertThat(body.get("checks").get(0).get("status").asText()).isEqualTo("up");
    assertThat(body.get("checks").get(1).has("error")).isFalse();
  }

  @Test
  void notReadyNamesTheFailingAndTheSlowChecks() throws Exception {
    server =
        OpsHttpServer.builder(0)
            .readinessTimeout(Duration.ofMillis(300))
            .readiness("database", () -> {})
            .readiness(
                "rabbitmq",
                () -> {
                  throw new IOException("Connection refused \"127.0.0.1:5672\"");
                })
            .readiness("slow", never::await)
            .readiness("flag", ReadinessCheck.of(() -> false))
            .start();

    long start = System.nanoTime();
    HttpResponse<String> r = get("/readyz");
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(r.statusCode()).isEqualTo(503);
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("status").asText()).isEqualTo("not_ready");
    JsonNode checks = body.get("checks");
    assertThat(checks.get(0).get("status").asText()).isEqualTo("up");
    assertThat(checks.get(1).get("status").asText()).isEqualTo("down");
    assertThat(checks.get(1).get("error").asText())
        .isEqualTo("Connection refused \"127.0.0.1:5672\"");
    assertThat(checks.get(2).get("error").asText()).isEqualTo("timed out after 300 ms");
    assertThat(checks.get(2).get("millis").asLong()).isGreaterThanOrEqualTo(300);
    assertThat(checks.get(3).get("error").asText()).isEqualTo("unreachable");
    // The slow check is abandoned at the timeout, not waited for.
    assertThat(millis).isLessThan(5_000);
  }

  @Test
  void metricsInPrometheusTextFormat() throws Exception {
    try (PipewrightMetrics metrics = PipewrightMetrics.prometheus()) {
      metrics.buildFinished(BuildStatus.SUCCEEDED, Duration.ofSeconds(2));
      server = OpsHttpServer.builder(0).metrics(metrics).start();

      HttpResponse<String> r = get("/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .contains("text/plain; version=0.0.4; charset=utf-8");
      assertThat(r.body())
          .contains("# TYPE pipewright_builds_total counter")
          .contains("pipewright_builds_total{status=\"succeeded\"} 1.0");
    }
  }

  @Test
  void extraRoutesUnknownPathsAndMethods() throws Exception {
    server =
        OpsHttpServer.builder(0)
            .route(
                "/builds/",
                ex ->
                    OpsHttpServer.reply(
                        ex,
                        200,
                        "text/plain; charset=utf-8",
                        "logs of " + ex.getRequestURI().getPath()))
            .route(
                "/broken",
                ex -> {
                  throw new IllegalStateException("boom");
                })
            .start();

    assertThat(get("/builds/b-1/logs").body()).isEqualTo("logs of /builds/b-1/logs");
    assertThat(get("/broken").statusCode()).isEqualTo(500);
    assertThat(get("/nothing").statusCode()).isEqualTo(404);
    assertThat(get("/healthzz").statusCode()).isEqualTo(404);
    assertThat(get("/metrics").statusCode()).isEqualTo(404); // no metrics given

    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(uri("/healthz"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");

    HttpResponse<String> head =
        client.send(
            HttpRequest.newBuilder(uri("/healthz"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void busyPortAndDuplicateRoutesAreRefused() {
    server = OpsHttpServer.builder(0).start();
    assertThatThrownBy(() -> OpsHttpServer.builder(server.port()).start())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage("cannot listen on HTTP port " + server.port() + " of 127.0.0.1");
    assertThatThrownBy(() -> OpsHttpServer.builder(0).route("/healthz", ex -> {}).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("route already served: /healthz");
    assertThatThrownBy(
            () -> OpsHttpServer.builder(0).readiness("db", () -> {}).readiness("db", () -> {}))
        .hasMessage("readiness check already added: db");
  }

  @Test
  void protectedMetricsAndRoutesAskForATokenWithTheRole() throws Exception {
    Map<String, Credential> live = new HashMap<>();
    ApiToken reader = ApiToken.generate();
    live.put(reader.id(), new Credential(reader.id(), "viewer", Role.READ, reader.hash()));
    PipewrightMetrics metrics =
        new PipewrightMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    HttpGuard guard =
        new HttpGuard(Authenticator.of(id -> Optional.ofNullable(live.get(id))), metrics);
    server =
        OpsHttpServer.builder(0)
            .metrics(metrics)
            .protectMetrics(guard)
            .route(
                "/admin",
                guard.require(
                    Role.ADMIN, ex -> OpsHttpServer.reply(ex, 200, "text/plain", "yes\n")))
            .start();

    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> anonymous = get("/metrics");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(get("/metrics", "Bearer " + ApiToken.generate().reveal()).statusCode())
        .isEqualTo(401);
    assertThat(get("/metrics", "Bearer " + reader.reveal()).statusCode()).isEqualTo(200);
    HttpResponse<String> weak = get("/admin", "Bearer " + reader.reveal());
    assertThat(weak.statusCode()).isEqualTo(403);
    assertThat(weak.body()).contains("needs the admin role").doesNotContain(reader.reveal());
    assertThat(metrics.scrape())
        .contains(
            "pipewright_auth_refused_total{reason=\"unauthenticated\",transport=\"http\"} 2.0")
        .contains(
            "pipewright_auth_refused_total{reason=\"permission_denied\",transport=\"http\"} 1.0");
  }

  private HttpResponse<String> get(String path, String authorization)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", authorization)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
