package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.OUTBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DatabaseIT {
  @Test
  void concurrentOpenersOfAMissingDatabaseAllSucceed() throws Exception {
    String url = ScratchDatabases.uniqueUrl();
    try {
      List<Database> opened =
          BuildRepositoryIT.concurrently(
              4, () -> Database.open(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD, 2));
      try {
        for (Database db : opened) {
          assertThat(db.dsl().fetchCount(OUTBOX)).as("migrated").isZero();
        }
        assertThat(System.getProperty(Database.JOOQ_VERSION_WARNING)).isEqualTo("ERROR");
      } finally {
        opened.forEach(Database::close);
      }
    } finally {
      ScratchDatabases.drop(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD);
    }
  }

  @Test
  void aCallerWaitsForAConnectionNoLongerThanTheConfiguredTimeout() throws Exception {
    String url = ScratchDatabases.uniqueUrl();
    Database.PoolOptions options = new Database.PoolOptions(1, Duration.ofMillis(500));
    try (Database db =
            Database.open(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD, options);
        Connection held = db.dataSource().getConnection()) {
      BuildRepository builds = new BuildRepository(db.dsl());
      UUID unknown = UUID.randomUUID();

      // The pool's default wait is 30 s: failing well within 10 s shows the option took effect.
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () ->
              assertThatThrownBy(() -> builds.findRow(unknown))
                  .isInstanceOfSatisfying(
                      CiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRANSIENT)));
      held.close();
      assertThat(builds.findRow(unknown)).isEmpty();
    } finally {
      ScratchDatabases.drop(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD);
    }
  }

  @Test
  void transactionsKnowTheIsolationLevelTheServerHas() {
    String url = ScratchDatabases.uniqueUrl();
    try (Database db = Database.open(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD, 1)) {
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
      ScratchDatabases.drop(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD);
    }
  }

  @Test
  void logChunksAreCompressedWithLz4() {
    String url = ScratchDatabases.uniqueUrl();
    try (Database db = Database.open(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD, 1)) {
      assertThat(
              db.dsl()
                  .fetchValue(
                      "select attcompression::text from pg_attribute"
                          + " where attrelid = 'build_logs'::regclass and attname = 'content'"))
          .isEqualTo("l");
    } finally {
      ScratchDatabases.drop(url, ScratchDatabases.USER, ScratchDatabases.PASSWORD);
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
