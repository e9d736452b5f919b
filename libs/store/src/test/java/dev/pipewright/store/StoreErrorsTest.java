package dev.pipewright.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

class StoreErrorsTest {
  private static CiException translated(String sqlState) {
    return StoreErrors.translate(
        new DataAccessException("boom", new SQLException("boom", sqlState)));
  }

  @Test
  void lostConnectionsDeadlocksAndShutdownsAreTransient() {
    for (String state : new String[] {"08001", "08006", "40001", "40P01", "57P01", "53300"}) {
      assertThat(translated(state).code()).as(state).isEqualTo(ErrorCode.TRANSIENT);
    }
    assertThat(
            StoreErrors.translate(
                    new DataAccessException("pool", new SQLTransientConnectionException("timeout")))
                .code())
        .isEqualTo(ErrorCode.TRANSIENT);
  }

  @Test
  void constraintAndSyntaxErrorsArePermanent() {
    assertThat(translated("23505").code()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(translated("42601").code()).isEqualTo(ErrorCode.PERMANENT);
    assertThat(translated(null).code()).isEqualTo(ErrorCode.PERMANENT);
  }

  @Test
  void findsTheStateDownTheCauseChain() {
    DataAccessException e =
        new DataAccessException("outer", new RuntimeException(new SQLException("x", "42P04")));

    assertThat(StoreErrors.hasState(e, StoreErrors.DUPLICATE_DATABASE)).isTrue();
    assertThat(StoreErrors.hasState(e, StoreErrors.UNIQUE_VIOLATION)).isFalse();
  }
}
