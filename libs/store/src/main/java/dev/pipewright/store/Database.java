package dev.pipewright.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's connection to PostgreSQL: creates the database if it is missing, migrates it with
 * Flyway, and hands out a pooled {@link DataSource} and a jOOQ {@link DSLContext}.
 *
 * <p>Connection failures surface as {@link ErrorCode#TRANSIENT}: the caller may retry later.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /**
   * jOOQ's open-source POSTGRES dialect targets the newest PostgreSQL and warns once per process
   * that an older server is "unsupported", which the store's tested server (15) is. The jOOQ manual
   * (Logging system properties) gives libraries this switch: a threshold for that one logger. An
   * application that sets the property itself keeps its choice.
   */
  static final String JOOQ_VERSION_WARNING =
      "org.jooq.log.org.jooq.impl.DefaultExecuteContext.logVersionSupport";

  static {
    if (System.getProperty(JOOQ_VERSION_WARNING) == null) {
      System.setProperty(JOOQ_VERSION_WARNING, "ERROR");
    }
  }

  private static final String MAINTENANCE_DB = "postgres";

  /**
   * How the connection pool behaves.
   *
   * @param maxPoolSize connections at most; a few per core is plenty for PostgreSQL
   * @param connectionTimeout how long a caller waits for a connection (from the pool, or a new one
   *     from the server) before it fails TRANSIENT; at least 250 ms
   */
  public record PoolOptions(int maxPoolSize, Duration connectionTimeout) {
    public PoolOptions {
      if (maxPoolSize < 1) {
        throw new IllegalArgumentException("maxPoolSize must be positive: " + maxPoolSize);
      }
      Objects.requireNonNull(connectionTimeout, "connectionTimeout");
      if (connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0) {
        throw new IllegalArgumentException(
            "connectionTimeout below " + MIN_CONNECTION_TIMEOUT + ": " + connectionTimeout);
      }
    }

    /** 10 connections, 30 s to get one. */
    public static PoolOptions defaults() {
      return new PoolOptions(10, Duration.ofSeconds(30));
    }

    public PoolOptions withMaxPoolSize(int size) {
      return new PoolOptions(size, connectionTimeout);
    }

    public PoolOptions withConnectionTimeout(Duration timeout) {
      return new PoolOptions(maxPoolSize, timeout);
    }
  }

  // HikariCP's floor for connectionTimeout.
  private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
  // HikariCP's default validationTimeout.
  private static final Duration MAX_VALIDATION_TIMEOUT = Duration.ofSeconds(5);

  private final HikariDataSource dataSource;
  private final DSLContext dsl;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.dsl = DSL.using(new KnownIsolationConnections(dataSource), SQLDialect.POSTGRES);
  }

  /** {@link #open(String, String, String, PoolOptions)} with {@link PoolOptions#defaults()}. */
  public static Database open(String jdbcUrl, String user, String password) {
    return open(jdbcUrl, user, password, PoolOptions.defaults());
  }

  /** {@link #open(String, String, String, PoolOptions)} with a pool of {@code maxPoolSize}. */
  public static Database open(String jdbcUrl, String user, String password, int maxPoolSize) {
    return open(jdbcUrl, user, password, PoolOptions.defaults().withMaxPoolSize(maxPoolSize));
  }

  /**
   * Opens (and creates and migrates, if needed) the database named by {@code jdbcUrl}.
   *
   * @throws CiException TRANSIENT when the server cannot be reached, PERMANENT when a migration
   *     fails
   */
  public static Database open(String jdbcUrl, String user, String password, PoolOptions options) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(options, "options");
    createIfMissing(PgUrl.parse(jdbcUrl), user, password);
    HikariDataSource pool = pool(jdbcUrl, user, password, options);
    try {
      migrate(jdbcUrl, user, password);
      return new Database(pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public DSLContext dsl() {
    return dsl;
  }

  @Override
  public void close() {
    dataSource.close();
  }

  private static void createIfMissing(PgUrl url, String user, String password) {
    if (!url.hasDatabase()) {
      return;
    }
    withMaintenanceConnection(
        url,
        user,
        password,
        ctx -> {
          boolean exists =
              ctx.fetchExists(
                  DSL.selectOne()
                      .from(DSL.table(DSL.name("pg_catalog", "pg_database")))
                      .where(DSL.field(DSL.name("datname"), String.class).eq(url.database())));
          if (exists) {
            return;
          }
          try {
            ctx.createDatabase(url.database()).execute();
            LOG.info("created database {}", url.database());
          } catch (DataAccessException e) {
            // Another process created it between our check and our CREATE: that is the goal.
            if (!StoreErrors.hasState(e, StoreErrors.DUPLICATE_DATABASE)
                && !StoreErrors.hasState(e, StoreErrors.UNIQUE_VIOLATION)) {
              throw e;
            }
          }
        });
  }

  interface MaintenanceWork {
    void run(DSLContext ctx);
  }

  /** Runs {@code work} on the server's maintenance database, where databases are created. */
  static void withMaintenanceConnection(
      PgUrl url, String user, String password, MaintenanceWork work) {
    try (Connection connection =
        DriverManager.getConnection(url.withDatabase(MAINTENANCE_DB), user, password)) {
      work.run(DSL.using(connection, SQLDialect.POSTGRES));
    } catch (SQLException | DataAccessException e) {
      throw StoreErrors.translate(e);
    }
  }

  private static HikariDataSource pool(
      String jdbcUrl, String user, String password, PoolOptions options) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(options.maxPoolSize());
    config.setConnectionTimeout(options.connectionTimeout().toMillis());
    // Checking a pooled connection must give up well before the caller's wait does.
    long validation =
        Math.min(MAX_VALIDATION_TIMEOUT.toMillis(), options.connectionTimeout().toMillis() / 3);
    config.setValidationTimeout(Math.max(MIN_CONNECTION_TIMEOUT.toMillis(), validation));
    config.setPoolName("pipewright-store");
    // Fixed here and restored by the pool on return, so KnownIsolationConnections may answer it.
    config.setTransactionIsolation(KnownIsolationConnections.ISOLATION_NAME);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new CiException(
          ErrorCode.TRANSIENT, "cannot connect to " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  /**
   * Migrates over Flyway's own connections: it holds more than one at a time, which a small pool
   * with a short connection timeout would refuse.
   */
  private static void migrate(String jdbcUrl, String user, String password) {
    try {
      Flyway.configure()
          .dataSource(jdbcUrl, user, password)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (FlywayException e) {
      ErrorCode code = StoreErrors.isTransient(e) ? ErrorCode.TRANSIENT : ErrorCode.PERMANENT;
      throw new CiException(code, "database migration failed: " + e.getMessage(), e);
    }
  }
}
