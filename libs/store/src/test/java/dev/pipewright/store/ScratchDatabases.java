package dev.pipewright.store;

import java.util.UUID;

/**
 * Throw-away databases on the machine's PostgreSQL, for the tests of every module and the
 * benchmarks: a unique name, and dropping it afterwards. The server is {@code
 * PIPEWRIGHT_TEST_PG_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/}, user postgres, trust
 * authentication). No JUnit here, so a benchmark's {@code main} can use it.
 */
public final class ScratchDatabases {
  private static final String SERVER =
      System.getenv().getOrDefault("PIPEWRIGHT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
  public static final String USER =
      System.getenv().getOrDefault("PIPEWRIGHT_TEST_PG_USER", "postgres");
  public static final String PASSWORD =
      System.getenv().getOrDefault("PIPEWRIGHT_TEST_PG_PASSWORD", "");

  private ScratchDatabases() {}

  /** A URL naming a database that does not exist yet; {@link Database#open} creates it. */
  public static String uniqueUrl() {
    return SERVER + "pw_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  /** Drops the database named by {@code jdbcUrl} if it exists; nobody may be connected to it. */
  public static void drop(String jdbcUrl, String user, String password) {
    PgUrl url = PgUrl.parse(jdbcUrl);
    if (!url.hasDatabase()) {
      throw new IllegalArgumentException("no database named in " + jdbcUrl);
    }
    Database.withMaintenanceConnection(
        url, user, password, ctx -> ctx.dropDatabaseIfExists(url.database()).execute());
  }
}
