package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.ops.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The configuration of {@code serve} and {@code demo} through the real command line: a YAML file
 * and an environment map, validated before anything starts ({@code --check-config} stops there).
 */
class ServeConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** The commands reconfigure logback for the whole JVM; later tests get the CLI's default. */
  @AfterEach
  void restoreLogging() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  private Path config(String yaml) throws Exception {
    return Files.writeString(dir.resolve("pipewright.yaml"), yaml);
  }

  private static final String YAML =
      """
      database:
        url: jdbc:postgresql://db.example:5432/ci
        password: s3cret
      grpc:
        port: 6000
      worker:
        parallelism: 7
        tick: 250ms
      shutdown:
        grace: 45s
      log:
        level: WARN
      """;

  @Test
  void defaultsThenTheFileThenTheEnvironment() throws Exception {
    Path file = config(YAML);
    Map<String, String> env = Map.of("PIPEWRIGHT_GRPC_PORT", "7000", "PIPEWRIGHT_PARALLELISM", "");

    CliRun run = CliRun.of(env, "serve", "--config", file.toString(), "--check-config");

    assertThat(run.exit()).isZero();
    assertThat(run.out().lines())
        .contains(
            "database.url = jdbc:postgresql://db.example:5432/ci",
            "database.password = ***",
            "grpc.port = 7000",
            "http.port = 8080",
            "worker.parallelism = 7",
            "worker.tick = 250ms",
            "shutdown.grace = 45s",
            "log.level = WARN");
    assertThat(run.out()).doesNotContain("s3cret");
  }

  @Test
  void theFileMayBeNamedByPipewrightConfigForEachServeCommandAndDemo() throws Exception {
    Path file = config(YAML);
    Map<String, String> env = Map.of(ConfigLoader.CONFIG_ENV, file.toString());

    for (List<String> command :
        List.of(
            List.of("serve"),
            List.of("serve", "api"),
            List.of("serve", "worker"),
            List.of("demo"))) {
      List<String> args = new ArrayList<>(command);
      args.add("--check-config");
      CliRun run = CliRun.of(env, args.toArray(String[]::new));

      assertThat(run.exit()).as("%s", command).isZero();
      assertThat(run.out().lines()).as("%s", command).contains("grpc.port = 6000");
    }
  }

  @Test
  void optionsGivenBeforeTheSubcommandCount() throws Exception {
    Path file = config(YAML);

    CliRun run =
        CliRun.of(Map.of(), "serve", "--config", file.toString(), "--check-config", "worker");

    assertThat(run.exit()).isZero();
    assertThat(run.out().lines()).contains("worker.parallelism = 7");
  }

  @Test
  void anInvalidConfigurationPrintsEveryProblemOnALineAndExitsTwo() throws Exception {
    Path file = config("databse:\n  url: x\nworker:\n  parallelism: many\n");
    Map<String, String> env = Map.of("PIPEWRIGHT_GRPC_PORT", "abc");

    CliRun run = CliRun.of(env, "serve", "--config", file.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .containsExactly(
            "pipewright: invalid configuration: "
                + file
                + ":1:1: unknown key 'databse' (did you mean 'database'?)",
            "pipewright: invalid configuration: PIPEWRIGHT_GRPC_PORT: expected a port 0-65535, got"
                + " 'abc'",
            "pipewright: invalid configuration: "
                + file
                + ":4:16: worker.parallelism: expected a positive integer, got 'many'");
  }

  @Test
  void aMissingConfigFileExitsTwoForDemoAndServeWorker() {
    Path missing = dir.resolve("missing.yaml");
    for (String[] args :
        List.of(
            new String[] {"demo", "--config", missing.toString()},
            new String[] {"serve", "worker", "--config", missing.toString()})) {
      CliRun run = CliRun.of(Map.of(), args);

      assertThat(run.exit()).isEqualTo(2);
      assertThat(run.err())
          .isEqualTo(
              "pipewright: invalid configuration: "
                  + missing
                  + ": cannot read the config file (no such file)\n");
    }
  }

  @Test
  void jsonLogLinesWhenAskedFor() throws Exception {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    CliRun run;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      run = CliRun.of(Map.of("PIPEWRIGHT_LOG_FORMAT", "json"), "serve", "--check-config");
    } finally {
      System.setErr(stderr);
    }

    assertThat(run.exit()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : captured.toString(StandardCharsets.UTF_8).lines().toList()) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines)
        .anySatisfy(
            line -> {
              assertThat(line.path("level").asText()).isEqualTo("INFO");
              assertThat(line.path("loggerName").asText()).isEqualTo(ServeCommand.class.getName());
              assertThat(line.path("formattedMessage").asText())
                  .isEqualTo("Configuration is valid");
            });
  }

  @Test
  void textLogLinesByDefault() throws Exception {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      CliRun.of(Map.of(), "serve", "--check-config");
    } finally {
      System.setErr(stderr);
    }

    assertThat(captured.toString(StandardCharsets.UTF_8))
        .containsPattern(
            "(?m)^\\S+ INFO  \\[[^]]+\\] dev\\.pipewright\\.cli\\.ServeCommand - Configuration is valid$");
  }

  @Test
  void anExposedAddressWithoutAuthenticationNeedsInsecureAndIsWarnedAbout() {
    Map<String, String> exposed =
        Map.of("PIPEWRIGHT_BIND_ADDRESS", "0.0.0.0", "PIPEWRIGHT_AUTH", "off");
    for (String[] args :
        List.of(
            new String[] {"serve", "--check-config"},
            new String[] {"serve", "worker", "--check-config"},
            new String[] {"demo", "--check-config"})) {
      CliRun refused = CliRun.of(exposed, args);
      assertThat(refused.exit()).as("%s", List.of(args)).isEqualTo(2);
      assertThat(refused.err())
          .as("%s", List.of(args))
          .startsWith(
              "pipewright: invalid configuration: PIPEWRIGHT_BIND_ADDRESS: 0.0.0.0 is reachable"
                  + " from other machines")
          .contains("--insecure");
    }
    for (String[] args :
        List.of(
            new String[] {"serve", "--insecure", "--check-config"},
            new String[] {"serve", "--insecure", "api", "--check-config"},
            new String[] {"serve", "worker", "--insecure", "--check-config"})) {
      CliRun allowed = CliRun.of(exposed, args);
      assertThat(allowed.exit()).as("%s", List.of(args)).isZero();
      assertThat(allowed.err()).contains("pipewright: INSECURE: listening on 0.0.0.0");
    }
    CliRun tokens =
        CliRun.of(Map.of("PIPEWRIGHT_BIND_ADDRESS", "0.0.0.0"), "serve", "--check-config");
    assertThat(tokens.exit()).as("authentication on").isZero();
    assertThat(tokens.err()).doesNotContain("INSECURE");
  }

  @Test
  void demoPicksFreePortsUnlessTheyWereChosen() {
    EntryApiConfig defaults = EntryApiConfig.defaults();

    assertThat(DemoCommand.freePortsUnlessChosen(defaults, Map.of()))
        .extracting(EntryApiConfig::grpcPort, EntryApiConfig::httpPort)
        .containsExactly(0, 0);
    assertThat(
            DemoCommand.freePortsUnlessChosen(defaults, Map.of(EntryApiConfig.GRPC_PORT, "50051")))
        .extracting(EntryApiConfig::grpcPort, EntryApiConfig::httpPort)
        .containsExactly(50051, 0);
    assertThat(DemoCommand.freePortsUnlessChosen(defaults.withPorts(9000, 9001), Map.of()))
        .extracting(EntryApiConfig::grpcPort, EntryApiConfig::httpPort)
        .containsExactly(9000, 9001);
  }
}
