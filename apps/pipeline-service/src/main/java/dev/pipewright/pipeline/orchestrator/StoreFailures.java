package dev.pipewright.pipeline.orchestrator;

import java.sql.SQLException;

/** Tells database failures from others (runner, Kubernetes API) for the error counters. */
public final class StoreFailures {
  private StoreFailures() {}

  /** Whether {@code error} or one of its causes came from JDBC or jOOQ. */
  public static boolean fromDatabase(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException || t instanceof org.jooq.exception.DataAccessException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
