package dev.pipewright.store;

import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throw-away database per test class on the machine's PostgreSQL, uniquely named so parallel runs
 * do not collide, migrated before the class and dropped after it. Register it as a static
 * {@code @RegisterExtension} field. The server is {@code PIPEWRIGHT_TEST_PG_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/}, user postgres, trust authentication).
 */
final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
  private static final String SERVER =
      System.getenv().getOrDefault("PIPEWRIGHT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
  static final String USER = System.getenv().getOrDefault("PIPEWRIGHT_TEST_PG_USER", "postgres");
  static final String PASSWORD = System.getenv().getOrDefault("PIPEWRIGHT_TEST_PG_PASSWORD", "");

  private String url;
  private Database database;

  static String uniqueUrl() {
    String name = "pw_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    return SERVER + name;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    url = uniqueUrl();
    database = Database.open(url, USER, PASSWORD, 24);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    database.close();
    Database.dropIfExists(url, USER, PASSWORD);
  }

  DSLContext dsl() {
    return database.dsl();
  }
}
