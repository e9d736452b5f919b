package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.Repository;
import dev.pipewright.api.ci.v1.StartPipelineBuildRequest;
import dev.pipewright.api.ci.v1.StartPipelineBuildResponse;
import dev.pipewright.auth.Role;
import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.cli.client.ApiErrors;
import dev.pipewright.cli.client.Connection;
import dev.pipewright.cli.client.ServerAddress;
import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.models.CiException;
import dev.pipewright.ops.config.ConfigException;
import dev.pipewright.ops.config.Listeners;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.pipeline.worker.WorkerConfig;
import dev.pipewright.store.ApiTokenRepository;
import dev.pipewright.store.Database;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pipewright demo}: the whole system in one process. Starts the entry API and a worker with
 * the local runner, submits the example pipeline over gRPC with this repository as the source,
 * follows it live and exits with its outcome.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start the entry API and a worker here, submit "
          + DemoCommand.EXAMPLE
          + " over gRPC with"
          + " this repository as its source, show it live, print its summary.",
      "Needs PostgreSQL and RabbitMQ (database.url, amqp.uri of --config FILE, or"
          + " PIPEWRIGHT_DATABASE_URL, PIPEWRIGHT_AMQP_URI); the database is created if missing."
          + " The gRPC and HTTP ports are free ones unless the file or PIPEWRIGHT_GRPC_PORT /"
          + " PIPEWRIGHT_HTTP_PORT set them. Logs: warnings only unless a level is configured.",
      "Creates an admin API token named '"
          + DemoCommand.TOKEN_NAME
          + "' in that database (revoking the previous demo token), submits with it and prints"
          + " it, for the client commands against 'pipewright serve' on the same database.",
      "Exit codes: 0 the build succeeded, 1 it did not (or the services could not start), 2"
          + " usage error or invalid configuration, 130 interrupted (the build is cancelled)."
    })
final class DemoCommand implements Callable<Integer> {
  static final String EXAMPLE = ".workflows/example_pipeline.yml";
  static final String TOKEN_NAME = "demo";
  private static final String LOG_LEVEL = "PIPEWRIGHT_LOG_LEVEL";

  @Spec CommandSpec spec;

  @Option(
      names = "--workflow",
      paramLabel = "FILE",
      description = "Another workflow to submit (default: " + EXAMPLE + ").")
  Path workflow;

  @Mixin OutputOptions output;

  @Mixin ConfigOptions configOptions;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return demo(out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int demo(PrintWriter out, PrintWriter err) throws Exception {
    PipewrightConfig config;
    try {
      config = configOptions.load();
      config.checkExposure(false);
    } catch (ConfigException e) {
      return ConfigOptions.reject(e, err);
    }
    Map<String, String> environment = configOptions.environment();
    CliLogging.apply(config.log().format(), liveViewLevel(config, environment));
    if (configOptions.check) {
      out.println(config.describe());
      return ExitCodes.OK;
    }
    if (config.listeners().tls().enabled()) {
      err.println(
          "pipewright: the demo's client speaks plain text: unset tls.cert-file and tls.key-file"
              + " (PIPEWRIGHT_TLS_*) for the demo; 'pipewright serve' uses them");
      return ExitCodes.USAGE;
    }
    Path cwd = Path.of("").toAbsolutePath();
    GitInfo git = GitInfo.of(cwd);
    Path root = git.root() != null ? git.root() : installRoot();
    Path file = workflow != null ? workflow : locate(cwd, root);
    if (file == null) {
      err.println("pipewright: cannot find " + EXAMPLE + " in " + cwd + " or " + root);
      return ExitCodes.USAGE;
    }
    String yaml;
    try {
      yaml = WorkflowFile.read(file);
    } catch (WorkflowFile.UnreadableException e) {
      err.println(e.getMessage());
      return ExitCodes.USAGE;
    }
    if (git.root() == null && root != null) {
      git = GitInfo.of(root);
    }
    EntryApiConfig apiConfig = freePortsUnlessChosen(ServiceConfigs.api(config), environment);
    err.println(
        "pipewright demo: starting the entry API and a worker (database "
            + apiConfig.databaseUrl()
            + ", broker "
            + apiConfig.amqpEndpoint()
            + ")");
    err.flush();
    // Made first (creating and migrating the database), so the API starts with a token to accept.
    Optional<String> token;
    try {
      token =
          config.listeners().authEnabled()
              ? Optional.of(demoToken(config.database()))
              : Optional.empty();
    } catch (CiException e) {
      err.println("pipewright: cannot create the demo's API token: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    Services services;
    try {
      // The entry API's HTTP port is the demo's; the worker serves none.
      services =
          Services.start(
              apiConfig,
              WorkerConfig.from(config).toBuilder().httpPort(WorkerConfig.NO_HTTP).build());
    } catch (CiException | IllegalArgumentException e) {
      err.println("pipewright: cannot start the services: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    try (services) {
      ServerAddress address =
          new ServerAddress(clientHost(config.listeners()), services.api().grpcPort());
      Connection connection = Connection.plain(address);
      if (token.isPresent()) {
        connection = connection.withToken(token.get());
        err.println(
            "pipewright demo: admin API token '"
                + TOKEN_NAME
                + "' (shown once; the previous demo token is revoked):");
        err.println(token.get());
        err.println(
            "pipewright demo: for 'pipewright serve' on this database: export PIPEWRIGHT_TOKEN=<it>");
      }
      err.println(
          "pipewright demo: entry API on "
              + address
              + " (HTTP port "
              + services.api().httpPort()
              + "), submitting "
              + root.relativize(file.toAbsolutePath().normalize()));
      err.flush();
      try (ApiClient api = new ApiClient(connection)) {
        if (git.sha() == null) {
          err.println(
              "pipewright demo: " + root + " is not a git checkout; actions/checkout will fail");
        }
        Repository repository = new LocalRepository(root.toString(), git.ref(), git.sha()).proto();
        StartPipelineBuildResponse started =
            api.call()
                .startPipelineBuild(
                    StartPipelineBuildRequest.newBuilder()
                        .setWorkflowYaml(yaml)
                        .setWorkflowPath(
                            root.relativize(file.toAbsolutePath().normalize()).toString())
                        .setPipelineId("demo")
                        .setRepository(repository)
                        .build());
        return Submissions.report(api, started, true, output, out, err);
      } catch (StatusRuntimeException e) {
        ApiErrors.describe(e, address.toString()).forEach(err::println);
        return ExitCodes.FAILED;
      }
    }
  }

  /** The admin token the demo submits with, replacing the one of its previous run. */
  private static String demoToken(PipewrightConfig.Database database) {
    try (Database db = Database.open(database.url(), database.user(), database.password(), 2)) {
      return new ApiTokenRepository(db.dsl()).replace(TOKEN_NAME, Role.ADMIN).token().reveal();
    }
  }

  /** Where this process reaches its own listeners: their address, or loopback for a wildcard. */
  static String clientHost(Listeners listeners) {
    try {
      return InetAddress.getByName(listeners.bindAddress()).isAnyLocalAddress()
          ? "127.0.0.1"
          : listeners.bindAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an IP address: " + listeners.bindAddress(), e);
    }
  }

  /**
   * Free ports unless the variables or the file chose others: a demo must not fail because a server
   * already holds 50051. A file value equal to the default cannot be told from no value.
   */
  static EntryApiConfig freePortsUnlessChosen(EntryApiConfig api, Map<String, String> env) {
    PipewrightConfig defaults = PipewrightConfig.defaults();
    return api.withPorts(
        chosen(env, EntryApiConfig.GRPC_PORT, api.grpcPort(), defaults.grpcPort())
            ? api.grpcPort()
            : 0,
        chosen(env, EntryApiConfig.HTTP_PORT, api.httpPort(), defaults.httpPort())
            ? api.httpPort()
            : 0);
  }

  /**
   * Warnings only, so log lines do not tear the live view, unless a level other than the default
   * was asked for.
   */
  static String liveViewLevel(PipewrightConfig config, Map<String, String> env) {
    String configured = config.log().level();
    boolean chosen = chosen(env, LOG_LEVEL, configured, PipewrightConfig.defaults().log().level());
    return chosen ? configured : "WARN";
  }

  private static boolean chosen(
      Map<String, String> env, String variable, Object value, Object byDefault) {
    String set = env.get(variable);
    return (set != null && !set.isBlank()) || !value.equals(byDefault);
  }

  /** The example in the current directory, else in the repository. */
  private static Path locate(Path cwd, Path root) {
    for (Path dir : new Path[] {cwd, root}) {
      if (dir != null && Files.isRegularFile(dir.resolve(EXAMPLE))) {
        return dir.resolve(EXAMPLE);
      }
    }
    return null;
  }

  /**
   * The checkout this CLI was built in: bin/pipewright runs {@code apps/cli/target/cli-*.jar}, so
   * the root is the first ancestor holding the example.
   */
  private static Path installRoot() {
    Path fallback = Path.of("").toAbsolutePath();
    var source = DemoCommand.class.getProtectionDomain().getCodeSource();
    if (source == null) {
      return fallback;
    }
    try {
      for (Path dir = Path.of(source.getLocation().toURI()); dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(EXAMPLE))) {
          return dir;
        }
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      return fallback;
    }
    return fallback;
  }
}
