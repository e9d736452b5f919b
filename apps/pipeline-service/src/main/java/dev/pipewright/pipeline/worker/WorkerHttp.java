package dev.pipewright.pipeline.worker;

import dev.pipewright.auth.Authenticator;
import dev.pipewright.ops.http.HttpGuard;
import dev.pipewright.ops.http.OpsHttpServer;
import dev.pipewright.ops.http.ReadinessCheck;
import dev.pipewright.ops.lifecycle.GracefulShutdown;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.ops.tls.ServerTls;
import dev.pipewright.store.ApiTokenRepository;
import dev.pipewright.store.Database;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The worker's own {@code /healthz}, {@code /readyz} and {@code /metrics}. */
final class WorkerHttp {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerHttp.class);

  private WorkerHttp() {}

  /**
   * Starts the server exposed as configured and registers it (and its TLS) with {@code shutdown},
   * which marks it shutting down first. Tokens for {@code /metrics} are those of the worker's
   * database, opened after the server starts, so they are looked up per request.
   *
   * @param database the worker's database; throws while it is not connected
   */
  static OpsHttpServer start(
      WorkerConfig config,
      PipewrightMetrics metrics,
      Supplier<Database> database,
      Map<String, ReadinessCheck> readiness,
      GracefulShutdown shutdown) {
    Optional<ServerTls> tls = ServerTls.startIfEnabled(config.listeners().tls());
    tls.ifPresent(t -> shutdown.register("tls", t::close));
    HttpGuard guard =
        new HttpGuard(
            Authenticator.of(id -> new ApiTokenRepository(database.get().dsl()).live(id)), metrics);
    OpsHttpServer.Builder server =
        OpsHttpServer.builder(config.httpPort())
            .expose(config.listeners(), tls, guard)
            .metrics(metrics);
    readiness.forEach(server::readiness);
    OpsHttpServer http = server.start();
    shutdown.onBegin(http::markShuttingDown);
    shutdown.register("http", http::close);
    LOG.info(
        "worker HTTP (/healthz, /readyz, /metrics) on {} port {}{}",
        config.listeners().bindAddress(),
        http.port(),
        tls.isPresent() ? " (TLS)" : "");
    return http;
  }
}
