package dev.pipewright.store;

import org.jooq.DSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throw-away database per test class ({@link ScratchDatabases}), migrated before the class and
 * dropped after it. Register it as a static {@code @RegisterExtension} field.
 */
final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
  private String url;
  private Database database;

  @Override
  public void beforeAll(ExtensionContext context) {
    url = ScratchDatabases.uniqueUrl();
    database = Database.open(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD, 24);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    database.close();
    ScratchDatabases.drop(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD);
  }

  DSLContext dsl() {
    return database.dsl();
  }
}
