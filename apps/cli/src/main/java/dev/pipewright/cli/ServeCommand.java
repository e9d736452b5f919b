package dev.pipewright.cli;

import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.models.CiException;
import dev.pipewright.pipeline.worker.WorkerConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code pipewright serve [api|worker]}: the services, configured by the {@code PIPEWRIGHT_*}
 * environment, until SIGINT or SIGTERM closes them gracefully.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the entry API and the worker in this process (or one of them with 'serve api' or"
          + " 'serve worker') until interrupted.",
      "Configured by PIPEWRIGHT_DATABASE_URL, _USER, _PASSWORD, PIPEWRIGHT_AMQP_URI,"
          + " PIPEWRIGHT_QUEUE_PREFIX, PIPEWRIGHT_GRPC_PORT, PIPEWRIGHT_HTTP_PORT,"
          + " PIPEWRIGHT_EXECUTOR, PIPEWRIGHT_WORKSPACE_ROOT, PIPEWRIGHT_PARALLELISM.",
      "Exit codes: 0 stopped, 1 could not start (database, broker or port), 2 usage error."
    },
    subcommands = {ServeCommand.Api.class, ServeCommand.Worker.class})
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    return serve(spec, true, true);
  }

  @Command(
      name = "api",
      mixinStandardHelpOptions = true,
      description = "Run the entry API: gRPC, the outbox relay and the HTTP health endpoints.")
  static final class Api implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      return serve(spec, true, false);
    }
  }

  @Command(
      name = "worker",
      mixinStandardHelpOptions = true,
      description = "Run the worker: queue consumer, orchestrator and job runner.")
  static final class Worker implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      return serve(spec, false, true);
    }
  }

  static int serve(CommandSpec spec, boolean api, boolean worker) throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    Services.verboseLogs();
    Services services;
    try {
      services =
          Services.start(
              api ? EntryApiConfig.fromEnvironment() : null,
              worker ? WorkerConfig.fromEnvironment() : null);
    } catch (CiException | IllegalArgumentException e) {
      err.println("pipewright: cannot start: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("pipewright-stop")
                .unstarted(
                    () -> {
                      services.close();
                      stopped.countDown();
                    }));
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
    stopped.await();
    return ExitCodes.OK;
  }
}
