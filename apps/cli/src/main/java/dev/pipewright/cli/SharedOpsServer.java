package dev.pipewright.cli;

import dev.pipewright.ops.http.OpsHttpServer;
import dev.pipewright.ops.http.ReadinessCheck;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The one {@code /healthz}, {@code /readyz} and {@code /metrics} of {@code serve} running both
 * services: the worker records into the shared meters and lends its readiness checks (database,
 * rabbitmq). The entry API cannot be handed meters yet, so it keeps its own probes on a private
 * port and its readiness is asked there ({@code entry-api}: its relay, database and broker).
 */
final class SharedOpsServer implements AutoCloseable {
  private final HttpClient client;
  private final OpsHttpServer http;

  private SharedOpsServer(HttpClient client, OpsHttpServer http) {
    this.client = client;
    this.http = http;
  }

  /**
   * @throws java.io.UncheckedIOException if {@code port} cannot be bound
   */
  static SharedOpsServer start(int port, PipewrightMetrics metrics, Services services) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    try {
      OpsHttpServer.Builder server = OpsHttpServer.builder(port).metrics(metrics);
      services.worker().readinessChecks().forEach(server::readiness);
      server.readiness("entry-api", readyz(client, services.api().httpPort()));
      return new SharedOpsServer(client, server.start());
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** Up when the service's own {@code /readyz} on {@code port} answers 200. */
  static ReadinessCheck readyz(HttpClient client, int port) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    return () -> {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "HTTP " + response.statusCode() + ": " + response.body().strip().replace('\n', ','));
      }
    };
  }

  int port() {
    return http.port();
  }

  void markShuttingDown() {
    http.markShuttingDown();
  }

  @Override
  public void close() {
    http.close();
    client.close();
  }
}
