package dev.pipewright.cli;

import dev.pipewright.entryapi.EntryApi;
import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.ops.lifecycle.GracefulShutdown;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.pipeline.worker.PipelineService;
import dev.pipewright.pipeline.worker.WorkerConfig;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry API and the worker embedded in this process ({@code serve}, {@code demo}): started in
 * order, closed in reverse (the worker first, so it finishes with the API still up).
 */
final class Services implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Services.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private EntryApi api;
  private PipelineService worker;

  /**
   * Each service with its own meters; the worker serves HTTP when its config has a port.
   *
   * @throws dev.pipewright.models.CiException when PostgreSQL or RabbitMQ cannot be used or a port
   *     is taken; what was started is closed again
   */
  static Services start(EntryApiConfig apiConfig, WorkerConfig workerConfig) {
    return start(apiConfig, workerConfig, null);
  }

  /**
   * @param sharedMetrics meters both services record into instead of their own, the caller serving
   *     them with the services' readiness checks and routes (they then serve no HTTP); null for
   *     each service's own
   */
  static Services start(
      EntryApiConfig apiConfig, WorkerConfig workerConfig, PipewrightMetrics sharedMetrics) {
    Services services = new Services();
    try {
      if (apiConfig != null) {
        EntryApi.Builder api = EntryApi.builder(apiConfig);
        if (sharedMetrics != null) {
          api.metrics(sharedMetrics).serveHttp(false);
        }
        services.api = api.build().start();
        services.started.push(services.api);
      }
      if (workerConfig != null) {
        PipelineService.Builder worker = PipelineService.builder(workerConfig);
        if (sharedMetrics != null) {
          worker.metrics(sharedMetrics).serveHttp(false);
        }
        services.worker = worker.build();
        services.worker.start();
        services.started.push(services.worker);
      }
      return services;
    } catch (RuntimeException e) {
      services.close();
      throw e;
    }
  }

  EntryApi api() {
    return api;
  }

  PipelineService worker() {
    return worker;
  }

  /**
   * Lets {@code shutdown} stop what was started, in reverse order of start: the worker first, so it
   * finishes or hands back its builds while the API still answers.
   */
  void registerWith(GracefulShutdown shutdown) {
    if (api != null) {
      shutdown.register("entry API", api::close);
    }
    if (worker != null) {
      shutdown.register("worker", worker::close);
    }
  }

  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      AutoCloseable service = started.pop();
      try {
        service.close();
      } catch (Exception e) {
        log.warn("Stopping {} failed: {}", service.getClass().getSimpleName(), e.getMessage());
      }
    }
  }
}
