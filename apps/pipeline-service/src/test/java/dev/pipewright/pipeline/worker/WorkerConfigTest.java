package dev.pipewright.pipeline.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    assertThat(config.parallelism()).isEqualTo(4);
    assertThat(config.workerId()).endsWith("-" + ProcessHandle.current().pid());
    assertThat(config.queueNames().buildQueue()).isEqualTo("pipewright.builds");
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
                "PIPEWRIGHT_QUEUE_PREFIX", "ci"));

    assertThat(config.databaseUrl()).isEqualTo("jdbc:postgresql://db/x");
    assertThat(config.workspaceRoot()).isEqualTo(Path.of("/srv/ws"));
    assertThat(config.parallelism()).isEqualTo(2);
    assertThat(config.workerId()).isEqualTo("w1");
    assertThat(config.lease()).isEqualTo(Duration.ofSeconds(9));
    assertThat(config.queueNames().buildQueue()).isEqualTo("ci.builds");
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("PIPEWRIGHT_PARALLELISM", "many")))
        .hasMessageContaining("PIPEWRIGHT_PARALLELISM");
    assertThatThrownBy(() -> WorkerConfig.fromEnvironment(Map.of("PIPEWRIGHT_PARALLELISM", "0")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
