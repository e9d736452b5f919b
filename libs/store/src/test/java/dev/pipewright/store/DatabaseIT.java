package dev.pipewright.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseIT {
  @Test
  void concurrentOpenersOfAMissingDatabaseAllSucceed() throws Exception {
    String url = TestDatabase.uniqueUrl();
    try {
      List<Database> opened =
          BuildRepositoryIT.concurrently(
              4, () -> Database.open(url, TestDatabase.USER, TestDatabase.PASSWORD, 2));
      try {
        for (Database db : opened) {
          assertThat(new OutboxRepository(db.dsl()).pendingCount()).isZero();
        }
        assertThat(System.getProperty(Database.JOOQ_VERSION_WARNING)).isEqualTo("ERROR");
      } finally {
        opened.forEach(Database::close);
      }
    } finally {
      Database.dropIfExists(url, TestDatabase.USER, TestDatabase.PASSWORD);
    }
  }

  @Test
  void aCallerWaitsForAConnectionNoLongerThanTheConfiguredTimeout() throws Exception {
    String url = TestDatabase.uniqueUrl();
    Database.PoolOptions options = new Database.PoolOptions(1, Duration.ofMillis(500));
    try (Database db = Database.open(url, TestDatabase.USER, TestDatabase.PASSWORD, options);
        Connection held = db.dataSource().getConnection()) {
      OutboxRepository outbox = new OutboxRepository(db.dsl());

      // The pool's default wait is 30 s: failing well within 10 s shows the option took effect.
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () ->
              assertThatThrownBy(outbox::pendingCount)
                  .isInstanceOfSatisfying(
                      CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT)));
      held.close();
      assertThat(outbox.pendingCount()).isZero();
    } finally {
      Database.dropIfExists(url, TestDatabase.USER, TestDatabase.PASSWORD);
    }
  }

  @Test
  void transactionsKnowTheIsolationLevelTheServerHas() {
    String url = TestDatabase.uniqueUrl();
    try (Database db = Database.open(url, TestDatabase.USER, TestDatabase.PASSWORD, 1)) {
      String serverLevel = "select current_setting('transaction_isolation')";
      db.dsl()
          .transaction(
              cfg ->
                  cfg.dsl()
                      .connection(
                          c -> {
                            assertThat(c.getTransactionIsolation())
                                .isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
                            assertThat(cfg.dsl().fetchValue(serverLevel))
                                .isEqualTo("read committed");
                            c.commit();
                            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                            assertThat(c.getTransactionIsolation())
                                .isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
                            assertThat(cfg.dsl().fetchValue(serverLevel)).isEqualTo("serializable");
                          }));
      // The pool's only connection again: the pool put its level back.
      db.dsl()
          .transaction(
              cfg -> assertThat(cfg.dsl().fetchValue(serverLevel)).isEqualTo("read committed"));
    } finally {
      Database.dropIfExists(url, TestDatabase.USER, TestDatabase.PASSWORD);
    }
  }

  @Test
  void logChunksAreCompressedWithLz4() {
    String url = TestDatabase.uniqueUrl();
    try (Database db = Database.open(url, TestDatabase.USER, TestDatabase.PASSWORD, 1)) {
      assertThat(
              db.dsl()
                  .fetchValue(
                      "select attcompression::text from pg_attribute"
                          + " where attrelid = 'build_logs'::regclass and attname = 'content'"))
          .isEqualTo("l");
    } finally {
      Database.dropIfExists(url, TestDatabase.USER, TestDatabase.PASSWORD);
    }
  }

  @Test
  void anUnreachableServerIsTransient() {
    assertThatThrownBy(
            () -> Database.open("jdbc:postgresql://127.0.0.1:1/nowhere", "postgres", "", 1))
        .isInstanceOfSatisfying(
            CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT));
  }
}
