package dev.pipewright.pipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pipewright.auth.IssuedToken;
import dev.pipewright.auth.Role;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.ops.config.Listeners;
import dev.pipewright.ops.config.MetricsAccess;
import dev.pipewright.ops.tls.TestPki;
import dev.pipewright.store.ApiTokenRepository;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's HTTP side and metrics against the machine's PostgreSQL and RabbitMQ: what a
 * Prometheus scrape and the Kubernetes probes see while and after a build runs, and a shutdown that
 * hands a running build back within the grace period.
 */
class WorkerOpsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String CHAIN =
      """
      on: push
      jobs:
        build:
          runs-on: local
          steps:
            - run: echo "compiling"
            - run: echo "packing"
        test:
          needs: build
          runs-on: local
          steps:
            - run: echo "testing"
      """;

  private final HttpClient http = HttpClient.newHttpClient();
  private WorkerHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = new WorkerHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
    http.close();
  }

  private HttpResponse<String> get(PipelineService worker, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of one series in a Prometheus text scrape; NaN when it is not there. */
  private static double sample(String scrape, String series) {
    return scrape
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).strip()))
        .findFirst()
        .orElse(Double.NaN);
  }

  private double scraped(PipelineService worker, String series) throws Exception {
    return sample(get(worker, "/metrics").body(), series);
  }

  @Test
  void aFinishedBuildMovesTheScrapedMetricsAndTheProbesAnswer() throws Exception {
    PipelineService worker =
        harness.start(harness.config("worker-ops").toBuilder().httpPort(0).build());
    assertThat(get(worker, "/metrics").body())
        .contains("pipewright_builds_total{status=\"succeeded\"} 0.0");

    UUID id = harness.createBuild(CHAIN);
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> harness.build(id).status() == BuildStatus.SUCCEEDED);
    await().atMost(DEADLINE).until(() -> worker.loops().running().isEmpty());

    HttpResponse<String> metrics = get(worker, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("version=0.0.4"));
    String scrape = metrics.body();
    assertThat(scrape).contains("pipewright_builds_total{status=\"succeeded\"} 1.0");
    assertThat(sample(scrape, "pipewright_build_duration_seconds_count{status=\"succeeded\"}"))
        .isEqualTo(1.0);
    assertThat(sample(scrape, "pipewright_jobs_total{status=\"succeeded\"}")).isEqualTo(2.0);
    assertThat(sample(scrape, "pipewright_job_duration_seconds_count{status=\"succeeded\"}"))
        .isEqualTo(2.0);
    assertThat(sample(scrape, "pipewright_job_duration_seconds_sum{status=\"succeeded\"}"))
        .isPositive();
    assertThat(sample(scrape, "pipewright_steps_total{status=\"succeeded\"}")).isEqualTo(3.0);
    assertThat(sample(scrape, "pipewright_step_duration_seconds_count{status=\"succeeded\"}"))
        .isEqualTo(3.0);
    assertThat(sample(scrape, "pipewright_jobs_total{status=\"failed\"}")).isZero();
    assertThat(sample(scrape, "pipewright_queue_lag_seconds_count")).isEqualTo(1.0);
    assertThat(sample(scrape, "pipewright_reconcile_duration_seconds_count")).isGreaterThan(1.0);
    assertThat(sample(scrape, "pipewright_log_chunks_total")).isGreaterThanOrEqualTo(3.0);
    assertThat(sample(scrape, "pipewright_log_bytes_total")).isPositive();
    assertThat(sample(scrape, "pipewright_builds_running")).isZero();
    assertThat(sample(scrape, "pipewright_jobs_running")).isZero();
    assertThat(scrape).contains("jvm_memory_used_bytes");

    HttpResponse<String> health = get(worker, "/healthz");
    assertThat(health.statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get(worker, "/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body())
        .contains("\"status\":\"ready\"")
        .contains("\"name\":\"database\",\"status\":\"up\"")
        .contains("\"name\":\"rabbitmq\",\"status\":\"up\"");
  }

  @Test
  void theWorkerServesTlsAndProtectedMetricsWhenConfigured(@TempDir Path dir) throws Exception {
    TestPki ca = TestPki.create("worker CA");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    ca.issue("worker").write(cert, key);
    WorkerConfig config = harness.config("worker-tls");
    PipelineService worker =
        harness.start(
            config.toBuilder()
                .httpPort(0)
                .listeners(
                    config
                        .listeners()
                        .withMetrics(MetricsAccess.TOKEN)
                        .withTls(Listeners.Tls.of(cert, key, Duration.ofMinutes(1))))
                .build());
    IssuedToken reader =
        new ApiTokenRepository(harness.database.dsl()).create("scraper", Role.READ);
    try (HttpClient https = HttpClient.newBuilder().sslContext(ca.clientContext(null)).build()) {
      URI base = URI.create("https://127.0.0.1:" + worker.httpPort());
      assertThat(send(https, base.resolve("/healthz"), null).statusCode()).isEqualTo(200);
      assertThat(send(https, base.resolve("/metrics"), null).statusCode()).isEqualTo(401);
      HttpResponse<String> scraped =
          send(https, base.resolve("/metrics"), "Bearer " + reader.token().reveal());
      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(scraped.body())
          .contains(
              "pipewright_auth_refused_total{reason=\"unauthenticated\",transport=\"http\"} 1.0");
    }
    assertThatThrownBy(() -> get(worker, "/healthz"))
        .as("plain HTTP")
        .isInstanceOf(IOException.class);
  }

  private static HttpResponse<String> send(HttpClient client, URI uri, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void closeHandsARunningBuildBackWithinTheGracePeriod() throws Exception {
    Duration grace = Duration.ofSeconds(1);
    PipelineService worker =
        harness.start(
            harness.config("worker-leaving").toBuilder().httpPort(0).shutdownGrace(grace).build());
    UUID id =
        harness.createBuild(
            """
            on: push
            jobs:
              slow:
                runs-on: local
                steps:
                  - run: echo "started slow"; sleep 60
            """);
    await().atMost(DEADLINE).until(() -> harness.logText(id).contains("started slow"));
    await().atMost(DEADLINE).until(() -> scraped(worker, "pipewright_jobs_running") == 1.0);
    assertThat(scraped(worker, "pipewright_builds_running")).isEqualTo(1.0);
    int port = worker.httpPort();

    long started = System.nanoTime();
    worker.close();

    // The grace period bounds the whole stop; the margin is for a loaded machine.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(grace.plusSeconds(2));
    // Handed back, not finished: the lease runs out and a reaper gives the build to a successor.
    assertThat(harness.build(id).status()).isEqualTo(BuildStatus.RUNNING);
    assertThat(harness.build(id).leaseOwner()).isEqualTo("worker-leaving");
    assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }
}
