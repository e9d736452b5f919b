package dev.pipewright.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgUrlTest {
  @Test
  void splitsServerDatabaseAndParameters() {
    PgUrl url = PgUrl.parse("jdbc:postgresql://db.local:5433/pipewright?ssl=true&x=1");

    assertThat(url.database()).isEqualTo("pipewright");
    assertThat(url.withDatabase("postgres"))
        .isEqualTo("jdbc:postgresql://db.local:5433/postgres?ssl=true&x=1");
    assertThat(url.url()).isEqualTo("jdbc:postgresql://db.local:5433/pipewright?ssl=true&x=1");
  }

  @Test
  void aUrlWithoutDatabaseHasNone() {
    assertThat(PgUrl.parse("jdbc:postgresql://127.0.0.1:5432/").hasDatabase()).isFalse();
    assertThat(PgUrl.parse("jdbc:postgresql://127.0.0.1:5432").hasDatabase()).isFalse();
    assertThat(PgUrl.parse("jdbc:postgresql://127.0.0.1:5432?user=x").withDatabase("postgres"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres?user=x");
  }

  @Test
  void refusesOtherDatabases() {
    assertThatThrownBy(() -> PgUrl.parse("jdbc:mysql://localhost/db"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
