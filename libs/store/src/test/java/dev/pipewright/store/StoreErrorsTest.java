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

  @Test
  void tellsDatabaseFailuresFromOthersThroughTheCauseChain() {
    CiException fromRepository = translated("08006");
    CiException wrappedAgain = new CiException(ErrorCode.TRANSIENT, "pass failed", fromRepository);

    assertThat(StoreErrors.fromDatabase(fromRepository)).isTrue();
    assertThat(StoreErrors.fromDatabase(wrappedAgain)).isTrue();
    assertThat(StoreErrors.fromDatabase(new SQLException("bare JDBC"))).isTrue();
    assertThat(StoreErrors.fromDatabase(new CiException(ErrorCode.TRANSIENT, "runner down")))
        .isFalse();
    assertThat(StoreErrors.fromDatabase(new IllegalStateException(new RuntimeException())))
        .isFalse();
  }

  @Test
  void aSelfCausedExceptionEndsTheWalk() {
    RuntimeException loop =
        new RuntimeException() {
          @Override
          public synchronized Throwable getCause() {
            return this;
          }
        };

    assertThat(StoreErrors.fromDatabase(loop)).isFalse();
    assertThat(StoreErrors.isTransient(loop)).isFalse();
  }
}
