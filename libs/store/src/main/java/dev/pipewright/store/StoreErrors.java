package dev.pipewright.store;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jooq.exception.DataAccessException;
import org.postgresql.util.PSQLException;

/**
 * Turns database failures into the project's error taxonomy, in one place, and tells them from
 * other failures for whoever counts them.
 */
public final class StoreErrors {
  static final String UNIQUE_VIOLATION = "23505";
  static final String DUPLICATE_DATABASE = "42P04";

  /**
   * SQL states worth retrying: lost or refused connections (class 08), serialization failures and
   * deadlocks, a server shutting down or out of connection slots, a lock that was not available.
   */
  private static final Set<String> TRANSIENT_STATES =
      Set.of("40001", "40P01", "57P01", "57P02", "57P03", "53300", "55P03");

  private StoreErrors() {}

  /** Runs one repository operation, classifying database failures. */
  static <T> T call(Supplier<T> body) {
    try {
      return body.get();
    } catch (DataAccessException e) {
      throw translate(e);
    }
  }

  static void run(Runnable body) {
    call(
        () -> {
          body.run();
          return null;
        });
  }

  static CiException translate(Throwable e) {
    if (e instanceof CiException ci) {
      return ci;
    }
    ErrorCode code = isTransient(e) ? ErrorCode.TRANSIENT : ErrorCode.PERMANENT;
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new CiException(code, "database: " + message, e);
  }

  static boolean isTransient(Throwable e) {
    return anyCause(
        e,
        t ->
            t instanceof SQLTransientException
                || t instanceof SQLException sql && isTransientState(sql.getSQLState()));
  }

  static boolean isTransientState(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || TRANSIENT_STATES.contains(sqlState));
  }

  /**
   * Whether {@code error} or one of its causes came from JDBC or jOOQ, as every failure of a
   * repository call does (its {@link CiException} keeps the database exception as its cause): the
   * database error counters count these, not a runner's or the Kubernetes API's.
   */
  public static boolean fromDatabase(Throwable error) {
    return anyCause(error, t -> t instanceof SQLException || t instanceof DataAccessException);
  }

  /** Whether {@code e} is a unique violation of the named constraint. */
  static boolean violates(Throwable e, String constraint) {
    return anyCause(
        e,
        t ->
            t instanceof PSQLException pg
                && UNIQUE_VIOLATION.equals(pg.getSQLState())
                && pg.getServerErrorMessage() != null
                && constraint.equals(pg.getServerErrorMessage().getConstraint()));
  }

  static boolean hasState(Throwable e, String sqlState) {
    return anyCause(e, t -> t instanceof SQLException sql && sqlState.equals(sql.getSQLState()));
  }

  /** Whether {@code e} or one of its causes matches, the one walk down a cause chain. */
  private static boolean anyCause(Throwable e, Predicate<Throwable> matches) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (matches.test(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
