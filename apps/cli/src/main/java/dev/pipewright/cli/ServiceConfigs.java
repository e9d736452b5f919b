package dev.pipewright.cli;

import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.ops.config.PipewrightConfig;

/**
 * The entry API's part of the one configuration (the worker's is {@code WorkerConfig.from}). The
 * entry API does not take a {@link PipewrightConfig} yet; its canonical constructor carries every
 * setting, which {@code EntryApiConfig.fromEnvironment} does not (pool size, connect timeout, relay
 * batch and log polling keep fixed values there).
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
        c.api().logPollInterval(),
        c.listeners(),
        c.secretKeyFile(),
        c.artifacts(),
        EntryApiConfig.target(c),
        EntryApiConfig.actions(c));
  }
}
