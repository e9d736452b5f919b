package dev.pipewright.cli;

import dev.pipewright.ops.http.OpsHttpServer;

/**
 * The one {@code /healthz}, {@code /readyz} and {@code /metrics} of {@code serve} running both
 * services: both record into the shared meters, the worker lends its readiness checks (database,
 * rabbitmq) and the entry API its checks (prefixed {@code api-}, as both probe the same servers
 * through their own pools), and the server is the entry API's ({@code EntryApi.http}): its bind
 * address, TLS, token checks and plain-text log routes.
 */
final class SharedOpsServer implements AutoCloseable {
  private final OpsHttpServer http;

  private SharedOpsServer(OpsHttpServer http) {
    this.http = http;
  }

  /**
   * @throws java.io.UncheckedIOException if {@code port} cannot be bound
   */
  static SharedOpsServer start(int port, Services services) {
    OpsHttpServer.Builder server = services.api().http(port);
    services.worker().readinessChecks().forEach(server::readiness);
    services
        .api()
        .readinessChecks()
        .forEach((name, check) -> server.readiness("api-" + name, check));
    return new SharedOpsServer(server.start());
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
  }
}
