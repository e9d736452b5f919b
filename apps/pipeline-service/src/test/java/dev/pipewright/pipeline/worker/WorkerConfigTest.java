package dev.pipewright.pipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.executor.LogLimits;
import dev.pipewright.ops.config.ConfigLoader;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.pipeline.reconcile.Attempts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
  @Test
  void defaultsMatchTheEntryApi() {
    WorkerConfig config = WorkerConfig.fromEnvironment(Map.of());

    assertThat(config.databaseUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/pipewright");
    assertThat(config.databaseUser()).isEqualTo("postgres");
    assertThat(config.amqpUri().toString()).isEqualTo("amqp://guest:guest@127.0.0.1:5672/%2F");
    assertThat(config.executor()).isEqualTo("local");
    assertThat(config.kubernetesExecutor()).isFalse();
    assertThat(config.parallelism()).isEqualTo(4);
    assertThat(config.workerId()).endsWith("-" + ProcessHandle.current().pid());
    assertThat(config.queueNames().buildQueue()).isEqualTo("pipewright.builds");
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.kubernetes().namespace()).isEqualTo("pipewright");
    assertThat(config.kubernetes().logPollInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.logLimits())
        .as("the configuration's defaults are the runners' own")
        .isEqualTo(LogLimits.DEFAULT);
  }

  @Test
  void readsTheEnvironment() {
    WorkerConfig config =
        WorkerConfig.fromEnvironment(
            Map.of(
                "PIPEWRIGHT_DATABASE_URL", "jdbc:postgresql://db/x",
                "PIPEWRIGHT_WORKSPACE_ROOT", "/srv/ws",
                "PIPEWRIGHT_PARALLELISM", "2",
                "PIPEWRIGHT_WORKER_ID", "w1",
                "PIPEWRIGHT_LEASE_SECONDS", "9",
                "PIPEWRIGHT_QUEUE_PREFIX", "ci",
                "PIPEWRIGHT_WORKER_TICK", "250ms",
                "PIPEWRIGHT_SHUTDOWN_GRACE", "20s"));

    assertThat(config.databaseUrl()).isEqualTo("jdbc:postgresql://db/x");
    assertThat(config.workspaceRoot()).isEqualTo(Path.of("/srv/ws"));
    assertThat(config.parallelism()).isEqualTo(2);
    assertThat(config.workerId()).isEqualTo("w1");
    assertThat(config.lease()).isEqualTo(Duration.ofSeconds(9));
    assertThat(config.queueNames().buildQueue()).isEqualTo("ci.builds");
    assertThat(config.tick()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void theEnvironmentAloneServesNoHttpSoTheEntryApiKeepsItsPort() {
    WorkerConfig config = WorkerConfig.fromEnvironment(Map.of("PIPEWRIGHT_HTTP_PORT", "9090"));

    assertThat(config.httpPort()).isEqualTo(WorkerConfig.NO_HTTP);
  }

  @Test
  void takesEverySettingFromTheOneConfiguration() {
    PipewrightConfig loaded =
        ConfigLoader.fromYaml(
            "config.yaml",
            """
            executor: kubernetes
            http:
              port: 8081
            worker:
              builds: 3
              max-job-attempts: 5
              infrastructure-retries: 1
              reaper-period: 7s
              step-log-limit: 1MiB
              build-log-limit: 4MiB
            shutdown:
              grace: 25s
            kubernetes:
              namespace: ci
              installation: team-a
              step-cpu-request: ""
              log-poll-interval: 45ms
              runs-on-images:
                ubuntu-latest: ubuntu:24.04
            """,
            Map.of("PIPEWRIGHT_WORKER_ID", "pod-1", "PIPEWRIGHT_HTTP_PORT", "8082"));

    WorkerConfig config = WorkerConfig.from(loaded);

    assertThat(config.kubernetesExecutor()).isTrue();
    assertThat(config.httpPort()).isEqualTo(8082);
    assertThat(config.workerId()).isEqualTo("pod-1");
    assertThat(config.concurrentBuilds()).isEqualTo(3);
    assertThat(config.maxJobAttempts()).isEqualTo(5);
    assertThat(config.attempts()).isEqualTo(new Attempts(5, 2));
    assertThat(config.reaperPeriod()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(25));
    assertThat(config.logLimits()).isEqualTo(new LogLimits(1 << 20, 4 << 20));
    assertThat(config.kubernetes().namespace()).isEqualTo("ci");
    assertThat(config.kubernetes().installation()).isEqualTo("team-a");
    assertThat(config.kubernetes().cpuRequest()).isNull();
    assertThat(config.kubernetes().memoryRequest()).isEqualTo("256Mi");
    assertThat(config.kubernetes().logPollInterval()).isEqualTo(Duration.ofMillis(45));
    assertThat(config.kubernetes().imageFor(null, java.util.List.of("ubuntu-latest")))
        .isEqualTo("ubuntu:24.04");
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("PIPEWRIGHT_PARALLELISM", "many")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PIPEWRIGHT_PARALLELISM");
    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("PIPEWRIGHT_PARALLELISM", "0")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> WorkerConfig.fromEnvironment(Map.of()).toBuilder().httpPort(70000).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
