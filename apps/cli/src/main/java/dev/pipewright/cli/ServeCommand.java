package dev.pipewright.cli;

import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.models.CiException;
import dev.pipewright.ops.config.ConfigException;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.ops.lifecycle.GracefulShutdown;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.pipeline.worker.WorkerConfig;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
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
      "HTTP on http.port: /healthz, /readyz (JSON) and /metrics (Prometheus) for both services"
          + " ('serve api': the entry API's /healthz and /readyz only).",
      "Listens on bind-address (127.0.0.1 by default) and asks every caller for an API token"
          + " ('pipewright token create'); another address with auth.mode off needs --insecure.",
      "Exit codes: 0 stopped, 1 could not start (database, broker or port), 2 usage error or"
          + " invalid configuration; 143 after SIGTERM."
    },
    subcommands = {ServeCommand.Api.class, ServeCommand.Worker.class})
final class ServeCommand implements Callable<Integer> {
  /**
   * Looked up when serving, not when the class loads: picocli makes every command at start, and the
   * first lookup configures logging, a cost client commands must not pay.
   */
  private static Logger log() {
    return LoggerFactory.getLogger(ServeCommand.class);
  }

  static final String INSECURE_HELP =
      "Run on a non-loopback bind-address with authentication off (warned about on every start).";

  @Spec CommandSpec spec;
  @Mixin ConfigOptions config;

  @Option(names = "--insecure", description = INSECURE_HELP)
  boolean insecure;

  @Override
  public Integer call() {
    return serve(spec, config, insecure, true, true);
  }

  @Command(
      name = "api",
      mixinStandardHelpOptions = true,
      description = "Run the entry API: gRPC, the outbox relay and the HTTP health endpoints.")
  static final class Api implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @ParentCommand ServeCommand parent;

    @Option(names = "--insecure", description = INSECURE_HELP)
    boolean insecure;

    @Override
    public Integer call() {
      return serve(spec, config.orElse(parent.config), insecure || parent.insecure, true, false);
    }
  }

  @Command(
      name = "worker",
      mixinStandardHelpOptions = true,
      description = "Run the worker: queue consumer, orchestrator and job runner.")
  static final class Worker implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions config;
    @ParentCommand ServeCommand parent;

    @Option(names = "--insecure", description = INSECURE_HELP)
    boolean insecure;

    @Override
    public Integer call() {
      return serve(spec, config.orElse(parent.config), insecure || parent.insecure, false, true);
    }
  }

  static int serve(
      CommandSpec spec, ConfigOptions options, boolean insecure, boolean api, boolean worker) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PipewrightConfig config;
    Optional<String> exposed;
    try {
      config = options.load();
      exposed = config.checkExposure(insecure);
    } catch (ConfigException e) {
      return ConfigOptions.reject(e, err);
    }
    CliLogging.apply(config.log().format(), config.log().level());
    exposed.ifPresent(
        warning -> {
          log().warn(warning);
          err.println("pipewright: " + warning);
        });
    if (options.check) {
      log().info("Configuration is valid");
      out.println(config.describe());
      out.flush();
      return ExitCodes.OK;
    }
    log().info("Configuration:\n{}", config.describe());
    // Both in one process: one registry and one HTTP server on http.port for the two of them.
    PipewrightMetrics shared = api && worker ? PipewrightMetrics.prometheus() : null;
    EntryApiConfig apiConfig = api ? ServiceConfigs.api(config) : null;
    if (shared != null) {
      apiConfig = apiConfig.withPorts(apiConfig.grpcPort(), 0);
    }
    Services services;
    SharedOpsServer http = null;
    try {
      services = Services.start(apiConfig, worker ? WorkerConfig.from(config) : null, shared);
    } catch (CiException | IllegalArgumentException e) {
      return cannotStart(e, shared, err);
    }
    if (shared != null) {
      try {
        http = SharedOpsServer.start(config.httpPort(), services);
      } catch (UncheckedIOException e) {
        services.close();
        return cannotStart(e, shared, err);
      }
    }
    GracefulShutdown shutdown = new GracefulShutdown(config.shutdownGrace());
    CountDownLatch stopping = new CountDownLatch(1);
    shutdown.onBegin(stopping::countDown);
    if (http != null) {
      shutdown.onBegin(http::markShuttingDown);
      shutdown.register("metrics", shared::close);
      shutdown.register("http", http::close);
    }
    services.registerWith(shutdown);
    Thread hook = shutdown.installShutdownHook();
    if (services.api() != null) {
      err.println(
          "pipewright: entry API on gRPC port "
              + services.api().grpcPort()
              + ", HTTP port "
              + (http != null ? http.port() : services.api().httpPort()));
    }
    if (services.worker() != null) {
      int workerHttp = services.worker().httpPort();
      err.println(
          "pipewright: worker "
              + services.worker().config().workerId()
              + " running"
              + (workerHttp == WorkerConfig.NO_HTTP ? "" : ", HTTP port " + workerHttp));
    }
    err.println("pipewright: Ctrl-C to stop");
    err.flush();
    return awaitStop(stopping, shutdown, hook);
  }

  private static int cannotStart(Exception e, PipewrightMetrics shared, PrintWriter err) {
    if (shared != null) {
      shared.close();
    }
    err.println("pipewright: cannot start: " + e.getMessage());
    err.flush();
    return ExitCodes.FAILED;
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
