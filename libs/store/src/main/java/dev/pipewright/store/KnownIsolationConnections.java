package dev.pipewright.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;
import org.jooq.ConnectionProvider;
import org.jooq.exception.DataAccessException;

/**
 * Pooled connections for jOOQ that answer {@link Connection#getTransactionIsolation()} without a
 * round trip. jOOQ's transaction provider asks it at the start of every transaction (to restore it
 * afterwards) and the PostgreSQL driver answers with a {@code SHOW TRANSACTION ISOLATION LEVEL}
 * query: one extra round trip per transaction, on every claim, lease renewal and log append. The
 * pool sets every connection to {@link #ISOLATION} and resets it on return, so the level is known
 * until someone changes it on the borrowed connection, which this wrapper tracks.
 */
final class KnownIsolationConnections implements ConnectionProvider {
  static final int ISOLATION = Connection.TRANSACTION_READ_COMMITTED;
  static final String ISOLATION_NAME = "TRANSACTION_READ_COMMITTED";

  private final DataSource pool;

  KnownIsolationConnections(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public Connection acquire() {
    try {
      Connection pooled = pool.getConnection();
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              new Tracking(pooled));
    } catch (java.sql.SQLException e) {
      throw new DataAccessException("cannot get a connection from the pool: " + e.getMessage(), e);
    }
  }

  @Override
  public void release(Connection connection) {
    try {
      connection.close();
    } catch (java.sql.SQLException e) {
      throw new DataAccessException("cannot return a connection to the pool: " + e.getMessage(), e);
    }
  }

  private static final class Tracking implements InvocationHandler {
    private final Connection delegate;
    private int isolation = ISOLATION;

    Tracking(Connection delegate) {
      this.delegate = delegate;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      switch (name) {
        case "getTransactionIsolation" -> {
          return isolation;
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        default -> {}
      }
      try {
        Object result = method.invoke(delegate, args);
        if (name.equals("setTransactionIsolation")) {
          isolation = (Integer) args[0];
        }
        return result;
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
