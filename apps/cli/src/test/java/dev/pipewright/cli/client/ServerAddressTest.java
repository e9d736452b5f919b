package dev.pipewright.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerAddressTest {
  @Test
  void optionWinsOverEnvironmentOverDefault() {
    Map<String, String> env = Map.of(ServerAddress.ENV, "ci.example:7000");
    assertThat(ServerAddress.resolve("h:1", env)).isEqualTo(new ServerAddress("h", 1));
    assertThat(ServerAddress.resolve(null, env)).isEqualTo(new ServerAddress("ci.example", 7000));
    assertThat(ServerAddress.resolve(null, Map.of()))
        .isEqualTo(new ServerAddress("127.0.0.1", 50051));
  }

  @Test
  void parsesIpv6AndBarePorts() {
    assertThat(ServerAddress.parse("[::1]:50051")).isEqualTo(new ServerAddress("::1", 50051));
    assertThat(ServerAddress.parse("[::1]:50051").toString()).isEqualTo("[::1]:50051");
    assertThat(ServerAddress.parse(":9")).isEqualTo(new ServerAddress("127.0.0.1", 9));
  }

  @Test
  void refusesWhatIsNotHostAndPort() {
    assertThatThrownBy(() -> ServerAddress.parse("localhost"))
        .hasMessage("expected host:port, got 'localhost'");
    assertThatThrownBy(() -> ServerAddress.parse("h:x")).hasMessageContaining("expected host:port");
    assertThatThrownBy(() -> ServerAddress.parse("h:70000")).hasMessageContaining("out of range");
  }
}
