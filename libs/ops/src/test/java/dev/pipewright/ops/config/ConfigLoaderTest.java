package dev.pipewright.ops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void defaultsAreThoseTheServicesHad() {
    PipewrightConfig c = PipewrightConfig.defaults();
    assertThat(c.database().url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/pipewright");
    assertThat(c.database().user()).isEqualTo("postgres");
    assertThat(c.database().password()).isEmpty();
    assertThat(c.database().poolSize()).isEqualTo(16);
    assertThat(c.database().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.amqp().uri()).isEqualTo(URI.create("amqp://guest:guest@127.0.0.1:5672/%2F"));
    assertThat(c.amqp().queuePrefix()).isEqualTo("pipewright");
    assertThat(c.grpcPort()).isEqualTo(50051);
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.api()).isEqualTo(new PipewrightConfig.Api(500, Duration.ofMillis(150)));
    assertThat(c.executor()).isEqualTo(Executor.LOCAL);
    assertThat(c.workspaceRoot())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "pipewright"));
    assertThat(c.worker().parallelism()).isEqualTo(4);
    assertThat(c.worker().builds()).isEqualTo(8);
    assertThat(c.worker().id()).endsWith("-" + ProcessHandle.current().pid());
    assertThat(c.worker().lease()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.worker().tick()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.worker().reaperPeriod()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.worker().maxJobAttempts()).isEqualTo(3);
    assertThat(c.worker().stepLogLimit()).isEqualTo(64L << 20);
    assertThat(c.worker().buildLogLimit()).isEqualTo(512L << 20);
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.log()).isEqualTo(new PipewrightConfig.Log(LogFormat.TEXT, "INFO"));
    PipewrightConfig.Kubernetes k = c.kubernetes();
    assertThat(k.namespace()).isEqualTo("pipewright");
    assertThat(k.installation()).matches("pipewright-[0-9a-f]{10}");
    assertThat(k.workspaceClaim()).isEqualTo("pipewright-workspace");
    assertThat(k.defaultImage()).isEqualTo("docker.io/library/debian:bookworm-slim");
    assertThat(k.runsOnImages()).isEmpty();
    assertThat(k.jobTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(k.runAsUser()).isEqualTo(1001);
    assertThat(
            new String[] {
              k.stepCpuRequest(), k.stepMemoryRequest(), k.stepCpuLimit(), k.stepMemoryLimit()
            })
        .containsExactly("250m", "256Mi", "2", "2Gi");
    assertThat(k.logPollInterval()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void fileOverridesDefaultsAndEnvironmentOverridesFile() {
    String yaml =
        """
        grpc:
          port: 6000
        http:
          port: 7000
        database:
          user: ci
        shutdown:
          grace: 30s
        """;
    PipewrightConfig c =
        ConfigLoader.fromYaml(
            "config.yaml",
            yaml,
            Map.of("PIPEWRIGHT_HTTP_PORT", "9000", "PIPEWRIGHT_EXECUTOR", "KUBERNETES"));

    assertThat(c.grpcPort()).isEqualTo(6000); // file
    assertThat(c.httpPort()).isEqualTo(9000); // environment over file
    assertThat(c.database().user()).isEqualTo("ci"); // file
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(30)); // file
    assertThat(c.executor()).isEqualTo(Executor.KUBERNETES); // environment over default
    assertThat(c.database().url()).isEqualTo(PipewrightConfig.defaults().database().url());
  }

  @Test
  void blankVariablesCountAsUnset() {
    PipewrightConfig c =
        ConfigLoader.fromYaml(
            "config.yaml", "grpc:\n  port: 6000\n", Map.of("PIPEWRIGHT_GRPC_PORT", " "));
    assertThat(c.grpcPort()).isEqualTo(6000);
  }

  /** Two installations in one namespace differ by their database; replicas of one share it. */
  @Test
  void theInstallationIsDerivedFromTheDatabaseUnlessSet() {
    String here = installation("jdbc:postgresql://db.example:5432/ci");
    assertThat(here).matches("ci-[0-9a-f]{10}");
    assertThat(installation("jdbc:postgresql://db.example:5432/ci?sslmode=require"))
        .as("connection options name no other database")
        .isEqualTo(here);
    assertThat(installation("jdbc:postgresql://db.example:5432/ci2")).isNotEqualTo(here);
    assertThat(installation("jdbc:postgresql://other.example:5432/ci"))
        .startsWith("ci-")
        .isNotEqualTo(here);
    assertThat(installation("jdbc:postgresql:Local_DB")).matches("localdb-[0-9a-f]{10}");
    assertThat(installation("jdbc:postgresql://db.example:5432/")).matches("db-[0-9a-f]{10}");
    assertThat(installation("jdbc:postgresql://db.example:5432")).matches("db-[0-9a-f]{10}");
    assertThat(installation("jdbc:postgresql://h/" + "x".repeat(80))).hasSize(51);

    PipewrightConfig set =
        ConfigLoader.fromYaml(
            "config.yaml",
            "kubernetes:\n  installation: team-a.prod\n",
            Map.of("PIPEWRIGHT_DATABASE_URL", "jdbc:postgresql://db.example:5432/ci"));
    assertThat(set.kubernetes().installation()).isEqualTo("team-a.prod");
  }

  @Test
  void anInstallationThatIsNoLabelValueIsRefused() {
    assertThat(
            catchConfig(
                    () ->
                        ConfigLoader.fromEnvironment(
                            Map.of("PIPEWRIGHT_K8S_INSTALLATION", "team a/prod")))
                .problems())
        .containsExactly(
            "PIPEWRIGHT_K8S_INSTALLATION: expected a label value (at most 63 letters, digits, '-',"
                + " '_' or '.', a letter or digit at both ends), got 'team a/prod'");
    assertThat(
            catchConfig(
                    () ->
                        ConfigLoader.fromEnvironment(
                            Map.of("PIPEWRIGHT_K8S_INSTALLATION", "a".repeat(64))))
                .problems())
        .singleElement()
        .asString()
        .startsWith("PIPEWRIGHT_K8S_INSTALLATION: expected a label value");
  }

  private static String installation(String databaseUrl) {
    return ConfigLoader.fromEnvironment(Map.of("PIPEWRIGHT_DATABASE_URL", databaseUrl))
        .kubernetes()
        .installation();
  }

  @Test
  void badVariableIsNamedWithTheValue() {
    assertThatThrownBy(() -> ConfigLoader.fromEnvironment(Map.of("PIPEWRIGHT_GRPC_PORT", "abc")))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).problems())
        .asList()
        .containsExactly("PIPEWRIGHT_GRPC_PORT: expected a port 0-65535, got 'abc'");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    ConfigException e =
        catchConfig(
            () ->
                ConfigLoader.fromEnvironment(
                    Map.of(
                        "PIPEWRIGHT_HTTP_PORT", "70000",
                        "PIPEWRIGHT_SHUTDOWN_GRACE", "soon",
                        "PIPEWRIGHT_EXECUTOR", "nomad",
                        "PIPEWRIGHT_AMQP_URI", "http://rabbit")));
    assertThat(e.problems())
        .containsExactly(
            "PIPEWRIGHT_AMQP_URI: expected a URI like amqp://host:port or amqps://host:port,"
                + " got 'http://rabbit'",
            "PIPEWRIGHT_HTTP_PORT: expected a port 0-65535, got '70000'",
            "PIPEWRIGHT_EXECUTOR: expected one of local|kubernetes, got 'nomad'",
            "PIPEWRIGHT_SHUTDOWN_GRACE: expected a duration like 500ms, 30s, 5m or 1h, got 'soon'");
    assertThat(e.getMessage())
        .startsWith("invalid configuration (4 problems):\n  PIPEWRIGHT_AMQP_URI");
  }

  @Test
  void unknownKeysAreLocatedWithASuggestion() {
    String yaml =
        """
        grpc:
          port: 6000
        databse:
          url: jdbc:postgresql://db/pw
        worker:
          paralelism: 3
          colour: blue
        """;
    ConfigException e = catchConfig(() -> ConfigLoader.fromYaml("config.yaml", yaml, Map.of()));
    assertThat(e.problems())
        .containsExactly(
            "config.yaml:3:1: unknown key 'databse' (did you mean 'database'?)",
            "config.yaml:6:3: unknown key 'worker.paralelism' (did you mean 'worker.parallelism'?)",
            "config.yaml:7:3: unknown key 'worker.colour'");
  }

  @Test
  void badFileValuesAreLocatedAndNamed() {
    String yaml =
        """
        grpc:
          port: abc
        worker:
          lease: [1, 2]
        database:
          url: mysql://db
        """;
    ConfigException e = catchConfig(() -> ConfigLoader.fromYaml("config.yaml", yaml, Map.of()));
    assertThat(e.problems())
        .containsExactly(
            "config.yaml:4:10: worker.lease: expected a single value, got a list",
            "config.yaml:6:8: database.url: expected a JDBC URL starting with jdbc:postgresql:,"
                + " got 'mysql://db'",
            "config.yaml:2:9: grpc.port: expected a port 0-65535, got 'abc'");
  }

  @Test
  void environmentReplacesABadFileValue() {
    PipewrightConfig c =
        ConfigLoader.fromYaml(
            "config.yaml", "grpc:\n  port: abc\n", Map.of("PIPEWRIGHT_GRPC_PORT", "6001"));
    assertThat(c.grpcPort()).isEqualTo(6001);
  }

  @Test
  void malformedYamlAndDuplicatesAreLocated() {
    assertThat(
            catchConfig(() -> ConfigLoader.fromYaml("c.yaml", "grpc:\n  port: [1\n", Map.of()))
                .problems())
        .singleElement()
        .asString()
        .startsWith("c.yaml:3:1: invalid YAML: ");
    assertThat(
            catchConfig(
                    () ->
                        ConfigLoader.fromYaml("c.yaml", "http:\n  port: 1\n  port: 2\n", Map.of()))
                .problems())
        .containsExactly("c.yaml:3:3: duplicate key 'http.port'");
    assertThat(
            catchConfig(() -> ConfigLoader.fromYaml("c.yaml", "- a\n- b\n", Map.of())).problems())
        .containsExactly("c.yaml:1:1: expected a mapping of settings at the top");
    assertThat(catchConfig(() -> ConfigLoader.fromYaml("c.yaml", "grpc: 5\n", Map.of())).problems())
        .containsExactly("c.yaml:1:7: grpc: expected a mapping of settings");
  }

  @Test
  void emptyFileAndEmptySectionsKeepDefaults() {
    assertThat(ConfigLoader.fromYaml("c.yaml", "", Map.of()))
        .isEqualTo(ConfigLoader.fromYaml("c.yaml", "database:\n", Map.of()))
        .isEqualTo(PipewrightConfig.defaults());
  }

  @Test
  void portsMustDiffer() {
    assertThat(
            catchConfig(
                    () ->
                        ConfigLoader.fromEnvironment(
                            Map.of("PIPEWRIGHT_GRPC_PORT", "9000", "PIPEWRIGHT_HTTP_PORT", "9000")))
                .problems())
        .containsExactly(
            "PIPEWRIGHT_HTTP_PORT: must differ from PIPEWRIGHT_GRPC_PORT, both are 9000");
    assertThat(
            ConfigLoader.fromEnvironment(
                    Map.of("PIPEWRIGHT_GRPC_PORT", "0", "PIPEWRIGHT_HTTP_PORT", "0"))
                .httpPort())
        .isZero();
  }

  @Test
  void runsOnImagesFromMappingOrPairs() {
    String yaml =
        """
        kubernetes:
          runs-on-images:
            ubuntu-latest: ubuntu:24.04
            gpu: cuda:12
        """;
    assertThat(ConfigLoader.fromYaml("c.yaml", yaml, Map.of()).kubernetes().runsOnImages())
        .containsExactly(Map.entry("ubuntu-latest", "ubuntu:24.04"), Map.entry("gpu", "cuda:12"));
    assertThat(
            ConfigLoader.fromEnvironment(
                    Map.of("PIPEWRIGHT_K8S_RUNS_ON_IMAGES", "a=img:1, b = img:2"))
                .kubernetes()
                .runsOnImages())
        .containsExactly(Map.entry("a", "img:1"), Map.entry("b", "img:2"));
    assertThat(
            catchConfig(
                    () ->
                        ConfigLoader.fromEnvironment(
                            Map.of("PIPEWRIGHT_K8S_RUNS_ON_IMAGES", "ubuntu-latest")))
                .problems())
        .containsExactly(
            "PIPEWRIGHT_K8S_RUNS_ON_IMAGES: expected comma-separated key=value pairs,"
                + " got 'ubuntu-latest'");
  }

  @Test
  void durationsInEveryAcceptedSpelling() {
    Map<String, String> env =
        Map.of(
            "PIPEWRIGHT_SHUTDOWN_GRACE", "PT1M",
            "PIPEWRIGHT_WORKER_TICK", "250ms",
            "PIPEWRIGHT_LEASE_SECONDS", "45",
            "PIPEWRIGHT_K8S_JOB_TTL_SECONDS", "2h",
            "PIPEWRIGHT_K8S_LOG_POLL_INTERVAL", "90s");
    PipewrightConfig c = ConfigLoader.fromEnvironment(env);
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.worker().tick()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.worker().lease()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.kubernetes().jobTtl()).isEqualTo(Duration.ofHours(2));
    assertThat(c.kubernetes().logPollInterval()).isEqualTo(Duration.ofSeconds(90));
    assertThat(
            catchConfig(
                    () ->
                        ConfigLoader.fromEnvironment(Map.of("PIPEWRIGHT_LEASE_SECONDS", "1500ms")))
                .problems())
        .containsExactly(
            "PIPEWRIGHT_LEASE_SECONDS: expected a duration in whole seconds like 30 or 30s,"
                + " got '1500ms'");
    assertThat(
            catchConfig(() -> ConfigLoader.fromEnvironment(Map.of("PIPEWRIGHT_WORKER_TICK", "0s")))
                .problems())
        .containsExactly(
            "PIPEWRIGHT_WORKER_TICK: expected a duration like 500ms, 30s, 5m or 1h, got '0s'");
  }

  @Test
  void logLimitsInEveryAcceptedSpelling() {
    PipewrightConfig c =
        ConfigLoader.fromYaml(
            "config.yaml",
            "worker:\n  step-log-limit: 65536\n  build-log-limit: 2 gib\n",
            Map.of());
    assertThat(c.worker().stepLogLimit()).isEqualTo(65_536);
    assertThat(c.worker().buildLogLimit()).isEqualTo(2L << 30);
    assertThat(c.toEnvironment())
        .containsEntry("PIPEWRIGHT_STEP_LOG_LIMIT", "64KiB")
        .containsEntry("PIPEWRIGHT_BUILD_LOG_LIMIT", "2GiB");
    assertThat(
            ConfigLoader.fromEnvironment(Map.of("PIPEWRIGHT_STEP_LOG_LIMIT", "1000"))
                .toEnvironment())
        .containsEntry("PIPEWRIGHT_STEP_LOG_LIMIT", "1000");
    assertThat(
            catchConfig(
                    () ->
                        ConfigLoader.fromEnvironment(
                            Map.of(
                                "PIPEWRIGHT_STEP_LOG_LIMIT", "0",
                                "PIPEWRIGHT_BUILD_LOG_LIMIT", "64MB")))
                .problems())
        .containsExactlyInAnyOrder(
            "PIPEWRIGHT_STEP_LOG_LIMIT: expected a size like 65536 (bytes), 64KiB, 64MiB or 1GiB,"
                + " got '0'",
            "PIPEWRIGHT_BUILD_LOG_LIMIT: expected a size like 65536 (bytes), 64KiB, 64MiB or 1GiB,"
                + " got '64MB'");
  }

  @Test
  void environmentViewRoundTrips() {
    PipewrightConfig c =
        ConfigLoader.fromEnvironment(
            Map.of(
                "PIPEWRIGHT_DATABASE_PASSWORD", "s3cret",
                "PIPEWRIGHT_K8S_RUNS_ON_IMAGES", "a=img:1,b=img:2",
                "PIPEWRIGHT_LEASE_SECONDS", "1m",
                "PIPEWRIGHT_WORKER_TICK", "1500ms"));
    Map<String, String> env = c.toEnvironment();
    assertThat(env)
        .containsEntry("PIPEWRIGHT_LEASE_SECONDS", "60")
        .containsEntry("PIPEWRIGHT_WORKER_TICK", "1500ms")
        .containsEntry("PIPEWRIGHT_SHUTDOWN_GRACE", "10s")
        .containsEntry("PIPEWRIGHT_EXECUTOR", "local")
        .containsEntry("PIPEWRIGHT_K8S_RUNS_ON_IMAGES", "a=img:1,b=img:2")
        .hasSize(Settings.ALL.size());
    assertThat(ConfigLoader.fromEnvironment(env)).isEqualTo(c);
  }

  @Test
  void descriptionsHideSecrets() {
    PipewrightConfig c =
        ConfigLoader.fromEnvironment(
            Map.of(
                "PIPEWRIGHT_DATABASE_PASSWORD", "s3cret",
                "PIPEWRIGHT_AMQP_URI", "amqp://u:hunter2@mq:5673/%2F"));
    assertThat(c.toString())
        .doesNotContain("s3cret", "hunter2")
        .contains("database.password = ***");
    assertThat(c.database().toString()).doesNotContain("s3cret");
    assertThat(c.amqp().toString())
        .isEqualTo("Amqp[endpoint=amqp://mq:5673, queuePrefix=pipewright]");
  }

  @Test
  void unknownVariablesAreWarnedAbout() {
    assertThat(
            ConfigLoader.unknownVariables(
                Map.of(
                    "PIPEWRIGHT_GRPC_PROT", "1",
                    "PIPEWRIGHT_MAX_PARALLEL_JOBS", "8",
                    "PIPEWRIGHT_SERVER", "localhost:50051",
                    "PIPEWRIGHT_CONFIG", "/etc/pw.yaml",
                    "HOME", "/root")))
        .containsExactly(
            "PIPEWRIGHT_GRPC_PROT: unknown variable, ignored (did you mean PIPEWRIGHT_GRPC_PORT?)",
            "PIPEWRIGHT_MAX_PARALLEL_JOBS: unknown variable, ignored");
  }

  @Test
  void configFileFromFlagThenVariable() {
    Map<String, String> env = Map.of("PIPEWRIGHT_CONFIG", "/etc/env.yaml");
    assertThat(ConfigLoader.configFile(new String[] {"serve", "--config", "a.yaml"}, env))
        .contains(Path.of("a.yaml"));
    assertThat(ConfigLoader.configFile(new String[] {"--config=b.yaml"}, env))
        .contains(Path.of("b.yaml"));
    assertThat(ConfigLoader.configFile(new String[] {"serve"}, env))
        .contains(Path.of("/etc/env.yaml"));
    assertThat(ConfigLoader.configFile(new String[0], Map.of())).isEmpty();
    assertThat(
            catchConfig(() -> ConfigLoader.configFile(new String[] {"--config"}, env)).problems())
        .containsExactly("--config: expected a file path");
  }

  @Test
  void loadsTheNamedFile(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("pw.yaml"), "worker:\n  parallelism: 0\n");
    assertThat(
            catchConfig(
                    () -> ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of()))
                .problems())
        .containsExactly(file + ":2:16: worker.parallelism: expected a positive integer, got '0'");
    Files.writeString(file, "worker:\n  parallelism: 2\n");
    assertThat(ConfigLoader.load(Optional.of(file), Map.of()).worker().parallelism()).isEqualTo(2);
    Path missing = dir.resolve("missing.yaml");
    assertThat(catchConfig(() -> ConfigLoader.load(Optional.of(missing), Map.of())).problems())
        .containsExactly(missing + ": cannot read the config file (no such file)");
  }

  @Test
  void listenersAreLoopbackWithTokensAndNoTlsByDefault() {
    Listeners l = PipewrightConfig.defaults().listeners();
    assertThat(l.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(l.auth()).isEqualTo(AuthMode.TOKEN);
    assertThat(l.metrics()).isEqualTo(MetricsAccess.OPEN);
    assertThat(l.metricsNeedToken()).isFalse();
    assertThat(l.tls().enabled()).isFalse();
    assertThat(l.loopback()).isTrue();

    String yaml =
        """
        bind-address: "::"
        auth:
          metrics: token
        tls:
          cert-file: /tls/tls.crt
          key-file: /tls/tls.key
          client-ca-file: /tls/ca.crt
          reload-interval: 5s
        """;
    Listeners set =
        ConfigLoader.fromYaml("config.yaml", yaml, Map.of("PIPEWRIGHT_BIND_ADDRESS", "10.0.0.7"))
            .listeners();
    assertThat(set.bindAddress()).isEqualTo("10.0.0.7");
    assertThat(set.metricsNeedToken()).isTrue();
    assertThat(set.tls())
        .isEqualTo(
            Listeners.Tls.of(
                    Path.of("/tls/tls.crt"), Path.of("/tls/tls.key"), Duration.ofSeconds(5))
                .withClientCa(Path.of("/tls/ca.crt")));
  }

  @Test
  void listenerSettingsThatCannotWorkTogetherAreRefused() {
    assertThat(
            catchConfig(
                    () ->
                        ConfigLoader.fromEnvironment(
                            Map.of(
                                "PIPEWRIGHT_BIND_ADDRESS", "pipewright.example",
                                "PIPEWRIGHT_AUTH", "none")))
                .problems())
        .containsExactly(
            "PIPEWRIGHT_BIND_ADDRESS: expected an IP address such as 127.0.0.1, 0.0.0.0 or ::,"
                + " got 'pipewright.example'",
            "PIPEWRIGHT_AUTH: expected one of token|off, got 'none'");
    assertThat(
            catchConfig(
                    () ->
                        ConfigLoader.fromEnvironment(
                            Map.of("PIPEWRIGHT_BIND_ADDRESS", "256.1.1.1")))
                .problems())
        .hasSize(1);
    assertThat(
            catchConfig(
                    () ->
                        ConfigLoader.fromEnvironment(
                            Map.of(
                                "PIPEWRIGHT_TLS_CERT_FILE", "/tls/tls.crt",
                                "PIPEWRIGHT_AUTH", "off",
                                "PIPEWRIGHT_METRICS_AUTH", "token")))
                .problems())
        .containsExactly(
            "PIPEWRIGHT_TLS_KEY_FILE: TLS needs both PIPEWRIGHT_TLS_CERT_FILE and"
                + " PIPEWRIGHT_TLS_KEY_FILE",
            "PIPEWRIGHT_METRICS_AUTH: tokens for /metrics need PIPEWRIGHT_AUTH=token");
    assertThat(
            catchConfig(
                    () ->
                        ConfigLoader.fromEnvironment(
                            Map.of("PIPEWRIGHT_TLS_CLIENT_CA_FILE", "/tls/ca.crt")))
                .problems())
        .containsExactly(
            "PIPEWRIGHT_TLS_CLIENT_CA_FILE: client certificates need TLS: set"
                + " PIPEWRIGHT_TLS_CERT_FILE and PIPEWRIGHT_TLS_KEY_FILE too");
  }

  @Test
  void anAddressOthersReachNeedsAuthenticationOrInsecure() {
    for (Executor executor : Executor.values()) {
      Listeners open = Listeners.defaults().withAuth(AuthMode.OFF);
      assertThat(open.checkExposure(false, executor)).isEmpty();
      assertThat(open.withBindAddress("::1").checkExposure(false, executor)).isEmpty();
      assertThat(Listeners.defaults().withBindAddress("0.0.0.0").checkExposure(false, executor))
          .as("authentication on: remote submissions need a token")
          .isEmpty();

      Listeners exposed = open.withBindAddress("0.0.0.0");
      assertThat(exposed.loopback()).isFalse();
      assertThat(catchConfig(() -> exposed.checkExposure(false, executor)).problems())
          .singleElement()
          .asString()
          .startsWith("PIPEWRIGHT_BIND_ADDRESS: 0.0.0.0 is reachable from other machines")
          .contains("PIPEWRIGHT_AUTH=token", "--insecure");
      assertThat(exposed.checkExposure(true, executor))
          .hasValueSatisfying(w -> assertThat(w).startsWith("INSECURE: listening on 0.0.0.0"));
    }
  }

  /**
   * Issue 13: the process host runs every build as the worker's user on its machine, so remote
   * submissions without authentication are refused, and the refusal and the --insecure warning name
   * the executor; the Kubernetes executor's say nothing of it.
   */
  @Test
  void theProcessHostExposedWithoutAuthenticationIsNamedInTheRefusalAndTheWarning() {
    Map<String, String> env = new HashMap<>();
    env.put("PIPEWRIGHT_BIND_ADDRESS", "0.0.0.0");
    env.put("PIPEWRIGHT_AUTH", "off");
    PipewrightConfig local = ConfigLoader.fromEnvironment(env);
    assertThat(local.executor()).isEqualTo(Executor.LOCAL);
    assertThat(catchConfig(() -> local.checkExposure(false)).problems())
        .singleElement()
        .asString()
        .contains("PIPEWRIGHT_EXECUTOR=local", "the process host is single-tenant");
    assertThat(local.checkExposure(true))
        .hasValueSatisfying(w -> assertThat(w).contains("PIPEWRIGHT_EXECUTOR=local"));

    env.put("PIPEWRIGHT_EXECUTOR", "kubernetes");
    PipewrightConfig kubernetes = ConfigLoader.fromEnvironment(env);
    assertThat(catchConfig(() -> kubernetes.checkExposure(false)).problems())
        .singleElement()
        .asString()
        .doesNotContain("PIPEWRIGHT_EXECUTOR");
    assertThat(kubernetes.checkExposure(true))
        .hasValueSatisfying(w -> assertThat(w).doesNotContain("process host"));

    env.put("PIPEWRIGHT_AUTH", "token");
    env.put("PIPEWRIGHT_EXECUTOR", "local");
    assertThat(ConfigLoader.fromEnvironment(env).checkExposure(false)).isEmpty();
  }

  private static ConfigException catchConfig(Runnable action) {
    try {
      action.run();
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void actionSourcesDefaultToGitHubAndTakeMirrorsAndAnOfflineDirectory() {
    PipewrightConfig.Actions defaults = ConfigLoader.fromEnvironment(Map.of()).actions();
    assertThat(defaults.url()).isEqualTo("https://github.com");
    assertThat(defaults.mirrors()).isEmpty();
    assertThat(defaults.offlineDir()).isEmpty();

    PipewrightConfig.Actions set =
        ConfigLoader.fromEnvironment(
                Map.of(
                    "PIPEWRIGHT_ACTIONS_URL", "https://git.example",
                    "PIPEWRIGHT_ACTIONS_MIRRORS", "https://m1.example, ,https://m2.example",
                    "PIPEWRIGHT_ACTIONS_OFFLINE_DIR", "/srv/actions"))
            .actions();
    assertThat(set.url()).isEqualTo("https://git.example");
    assertThat(set.mirrors()).containsExactly("https://m1.example", "https://m2.example");
    assertThat(set.offlineDir()).contains(Path.of("/srv/actions"));
  }
}
