package dev.pipewright.cli;

import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.pipeline.worker.WorkerConfig;
import dev.pipewright.queue.QueueNames;

/**
 * Each service's part of the one configuration. The service modules do not (yet) take a {@link
 * PipewrightConfig} themselves; their public canonical constructors carry every setting, which
 * their {@code fromEnvironment} readers do not (pool size, relay batch, tick, reaper period,
 * attempts and grace keep fixed values there).
 */
final class ServiceConfigs {
  private ServiceConfigs() {}

  static EntryApiConfig api(PipewrightConfig c) {
    return new EntryApiConfig(
        c.database().url(),
        c.database().user(),
        c.database().password(),
        c.amqp().uri(),
        c.amqp().queuePrefix(),
        c.grpcPort(),
        c.httpPort(),
        c.database().poolSize(),
        c.database().connectTimeout(),
        c.api().relayBatchSize(),
        c.api().logPollInterval());
  }

  static WorkerConfig worker(PipewrightConfig c) {
    PipewrightConfig.Worker w = c.worker();
    return new WorkerConfig(
        c.database().url(),
        c.database().user(),
        c.database().password(),
        c.amqp().uri(),
        QueueNames.withPrefix(c.amqp().queuePrefix()),
        c.executor().id(),
        c.workspaceRoot(),
        w.parallelism(),
        w.builds(),
        w.id(),
        w.lease(),
        w.tick(),
        w.reaperPeriod(),
        w.maxJobAttempts(),
        c.shutdownGrace());
  }
}
