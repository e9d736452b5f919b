package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntryApiConfigTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    EntryApiConfig config = EntryApiConfig.fromEnvironment(Map.of());
    assertThat(config.databaseUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/pipewright");
    assertThat(config.databaseUser()).isEqualTo("postgres");
    assertThat(config.databasePassword()).isEmpty();
    assertThat(config.amqpUri()).isEqualTo(URI.create("amqp://guest:guest@127.0.0.1:5672/%2F"));
    assertThat(config.queuePrefix()).isEqualTo("pipewright");
    assertThat(config.grpcPort()).isEqualTo(50051);
    assertThat(config.httpPort()).isEqualTo(8080);
  }

  @Test
  void environmentOverridesDefaults() {
    EntryApiConfig config =
        EntryApiConfig.fromEnvironment(
            Map.of(
                "PIPEWRIGHT_DATABASE_URL", "jdbc:postgresql://db:5432/ci",
                "PIPEWRIGHT_DATABASE_USER", "ci",
                "PIPEWRIGHT_DATABASE_PASSWORD", "s3cret",
                "PIPEWRIGHT_AMQP_URI", "amqp://u:p@mq:5673/ci",
                "PIPEWRIGHT_QUEUE_PREFIX", "staging",
                "PIPEWRIGHT_GRPC_PORT", "0",
                "PIPEWRIGHT_HTTP_PORT", " 9090 "));
    assertThat(config.databaseUrl()).isEqualTo("jdbc:postgresql://db:5432/ci");
    assertThat(config.databaseUser()).isEqualTo("ci");
    assertThat(config.databasePassword()).isEqualTo("s3cret");
    assertThat(config.queuePrefix()).isEqualTo("staging");
    assertThat(config.grpcPort()).isZero();
    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.amqpEndpoint()).isEqualTo("amqp://mq:5673");
  }

  @Test
  void badPortsAreRefused() {
    assertThatThrownBy(() -> EntryApiConfig.fromEnvironment(Map.of("PIPEWRIGHT_GRPC_PORT", "x")))
        .hasMessageContaining("PIPEWRIGHT_GRPC_PORT");
    assertThatThrownBy(
            () -> EntryApiConfig.fromEnvironment(Map.of("PIPEWRIGHT_HTTP_PORT", "70000")))
        .hasMessageContaining("PIPEWRIGHT_HTTP_PORT");
  }
}
