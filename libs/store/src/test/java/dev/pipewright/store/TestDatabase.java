package dev.pipewright.store;

import java.util.UUID;
import org.jooq.DSLContext;

/**
 * A throw-away database on the machine's PostgreSQL, uniquely named so parallel runs do not
 * collide; dropped on close. The server is {@code PIPEWRIGHT_TEST_PG_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/}, user postgres, trust authentication).
 */
final class TestDatabase implements AutoCloseable {
  private static final String SERVER =
      System.getenv().getOrDefault("PIPEWRIGHT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
  static final String USER = System.getenv().getOrDefault("PIPEWRIGHT_TEST_PG_USER", "postgres");
  static final String PASSWORD = System.getenv().getOrDefault("PIPEWRIGHT_TEST_PG_PASSWORD", "");

  final String url;
  final Database database;

  private TestDatabase(String url, Database database) {
    this.url = url;
    this.database = database;
  }

  static String uniqueUrl() {
    String name = "pw_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    return SERVER + name;
  }

  static TestDatabase create() {
    String url = uniqueUrl();
    return new TestDatabase(url, Database.open(url, USER, PASSWORD, 24));
  }

  DSLContext dsl() {
    return database.dsl();
  }

  @Override
  public void close() {
    database.close();
    Database.dropIfExists(url, USER, PASSWORD);
  }
}
