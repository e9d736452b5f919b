package dev.pipewright.cli;

import dev.pipewright.models.CiException;
import dev.pipewright.ops.config.ConfigException;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.ops.lifecycle.GracefulShutdown;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code pipewright serve [api|worker]}: the services, configured by libs/ops (defaults &lt; {@code
 * --config FILE} &lt; {@code PIPEWRIGHT_*}), until SIGTERM or SIGINT stops them within the
 * configured grace period (or the thread running the command is interrupted, as in tests).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the entry API and the worker in this process (or one of them with 'serve api' or"
          + " 'serve worker') until interrupted.",
      "Configured by --config FILE (or PIPEWRIGHT_CONFIG) and the PIPEWRIGHT_* variables, which"
          + " override it; every key and default is in libs/ops/CONFIGURATION.md.",
      "Exit codes: 0 stopped, 1 could not start (database, broker or port), 2 usage error or"
          + " invalid configuration; 143 after SIGTERM."
    },
    subcommands = {ServeCommand.Api.class, ServeCommand.Worker.class})
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;

  @Override
  public Integer call() {
    return serve(spec, config, true, true);
  }

  @Command(
      name = "api",
      mixinStandardHelpOptions = true,
      description = "Run the entry API: gRPC, the outbox relay and the HTTP health endpoints.")
  static final class Api implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
      return serve(spec, config, true, false);
    }
  }

  @Command(
      name = "worker",
      mixinStandardHelpOptions = true,
      description = "Run the worker: queue consumer, orchestrator and job runner.")
  static final class Worker implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
      return serve(spec, config, false, true);
    }
  }

  static int serve(CommandSpec spec, ConfigOptions options, boolean api, boolean worker) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PipewrightConfig config;
    try {
      config = options.load();
    } catch (ConfigException e) {
      return ConfigOptions.reject(e, err);
    }
    CliLogging.apply(config.log().format(), config.log().level());
    if (options.check) {
      log.info("Configuration is valid");
      out.println(config.describe());
      out.flush();
      return ExitCodes.OK;
    }
    log.info("Configuration:\n{}", config.describe());
    Services services;
    try {
      services =
          Services.start(
              api ? ServiceConfigs.api(config) : null,
              worker ? ServiceConfigs.worker(config) : null);
    } catch (CiException | IllegalArgumentException e) {
      err.println("pipewright: cannot start: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILED;
    }
    GracefulShutdown shutdown = new GracefulShutdown(config.shutdownGrace());
    CountDownLatch stopping = new CountDownLatch(1);
    shutdown.onBegin(stopping::countDown);
    services.registerWith(shutdown);
    Thread hook = shutdown.installShutdownHook();
    if (services.api() != null) {
      err.println(
          "pipewright: entry API on gRPC port "
              + services.api().grpcPort()
              + ", HTTP port "
              + services.api().httpPort());
    }
    if (services.worker() != null) {
      err.println("pipewright: worker " + services.worker().config().workerId() + " running");
    }
    err.println("pipewright: Ctrl-C to stop");
    err.flush();
    return awaitStop(stopping, shutdown, hook);
  }

  /**
   * Waits until a signal began the shutdown (the hook runs it) or this thread is interrupted (it
   * runs it here), then for the shutdown's end.
   */
  private static int awaitStop(CountDownLatch stopping, GracefulShutdown shutdown, Thread hook) {
    boolean interrupted = false;
    try {
      stopping.await();
    } catch (InterruptedException e) {
      interrupted = true;
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyExiting) {
        // The JVM is exiting and runs the hook itself; shutdown() below waits for it.
      }
    }
    // Runs the stoppers when interrupted; after a signal, waits for the hook that runs them.
    GracefulShutdown.Report report = shutdown.shutdown();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return report.clean() ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
