package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.ARTIFACTS;
import static dev.pipewright.store.jooq.Tables.CACHES;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.util.function.Predicate;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Which rows name a blob, for every service that stores blobs. A blob may be named by several rows
 * (the same content uploaded twice, as an artifact and as a cache), so it is deleted only when no
 * row names it: whoever records a reference and whoever deletes a blob hold the blob's
 * transaction-scoped advisory lock, and a reference is recorded only while the blob is still there
 * ({@code present}), so a delete never removes a blob a row is about to name.
 */
final class BlobReferences {
  private BlobReferences() {}

  /** Takes the blob's lock and checks it is still stored, before a row names it. */
  static void lockPresent(DSLContext tx, String sha256, Predicate<String> present) {
    lock(tx, sha256);
    if (!present.test(sha256)) {
      throw new CiException(
          ErrorCode.TRANSIENT, "blob " + sha256 + " was deleted before it was recorded");
    }
  }

  /**
   * Runs {@code delete} for blob {@code sha256} when no row names it, under the blob's lock (so no
   * reference is recorded meanwhile). Returns whether it ran.
   */
  static boolean release(DSLContext dsl, String sha256, Predicate<String> delete) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  lock(tx, sha256);
                  boolean named =
                      tx.fetchExists(ARTIFACTS, ARTIFACTS.BLOB_SHA256.eq(sha256))
                          || tx.fetchExists(CACHES, CACHES.BLOB_SHA256.eq(sha256));
                  return !named && delete.test(sha256);
                }));
  }

  private static void lock(DSLContext tx, String sha256) {
    tx.select(DSL.field("pg_advisory_xact_lock(hashtextextended({0}, 0))", Object.class, sha256))
        .fetch();
  }
}
