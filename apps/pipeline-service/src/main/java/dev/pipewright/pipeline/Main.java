package dev.pipewright.pipeline;

import dev.pipewright.ops.config.ConfigException;
import dev.pipewright.ops.config.ConfigLoader;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.ops.logging.LogSetup;
import dev.pipewright.pipeline.worker.PipelineService;
import dev.pipewright.pipeline.worker.WorkerConfig;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker process (the container's entry point): loads the configuration (defaults &lt; {@code
 * --config FILE} or {@code PIPEWRIGHT_CONFIG} &lt; {@code PIPEWRIGHT_*} variables), runs a {@link
 * PipelineService} and stops it gracefully on SIGTERM. Exits 2 on an invalid configuration (a
 * non-loopback {@code bind-address} with authentication off included, unless {@value #INSECURE} is
 * given), 1 when the worker cannot start.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  static final String INSECURE = "--insecure";

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    PipewrightConfig config;
    Optional<String> exposed;
    try {
      config = ConfigLoader.load(args);
      exposed = config.checkExposure(Arrays.asList(args).contains(INSECURE));
    } catch (ConfigException e) {
      LOG.error("{}", e.getMessage());
      System.exit(2);
      return;
    }
    LogSetup.apply(config.log());
    exposed.ifPresent(LOG::warn);
    LOG.info("Configuration:\n{}", config.describe());
    PipelineService worker = new PipelineService(WorkerConfig.from(config));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("pipewright-shutdown")
                .unstarted(
                    () -> {
                      worker.close();
                      stopped.countDown();
                    }));
    try {
      worker.start();
    } catch (RuntimeException | Error e) {
      // An Error too: threads already started would otherwise keep a half-started JVM alive.
      LOG.error("The worker cannot start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    stopped.await();
  }
}
