package dev.pipewright.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
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
      } finally {
        opened.forEach(Database::close);
      }
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
