package dev.pipewright.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PoolOptionsTest {
  @Test
  void defaultsAndWithers() {
    Database.PoolOptions options =
        Database.PoolOptions.defaults()
            .withMaxPoolSize(4)
            .withConnectionTimeout(Duration.ofSeconds(3));

    assertThat(options).isEqualTo(new Database.PoolOptions(4, Duration.ofSeconds(3)));
    assertThat(Database.PoolOptions.defaults().maxPoolSize()).isEqualTo(10);
  }

  @Test
  void refusesWhatThePoolCannotHonour() {
    assertThatThrownBy(() -> new Database.PoolOptions(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Database.PoolOptions(1, Duration.ofMillis(100)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
