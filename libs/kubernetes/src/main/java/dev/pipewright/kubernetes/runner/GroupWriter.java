package dev.pipewright.kubernetes.runner;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group commit of map entries per key: callers that write entries for the same key (a build's
 * Secret) while a write for that key is in flight are merged into the next single write. The first
 * caller to find no write in flight writes, for itself and for whoever queued meanwhile; every
 * caller returns once its own entries are written, or throws what their write threw.
 *
 * @param <C> what a write needs besides the entries (the last caller's value is used)
 */
final class GroupWriter<C> {
  /** Performs one write of merged entries. */
  interface Write<C> {
    void write(String key, C context, Map<String, String> entries);
  }

  private final Write<C> write;
  private final Map<String, Queue<C>> queues = new ConcurrentHashMap<>();

  GroupWriter(Write<C> write) {
    this.write = write;
  }

  private static final class Queue<C> {
    Map<String, String> entries = new LinkedHashMap<>();
    CompletableFuture<Void> written = new CompletableFuture<>();
    C context;
    boolean writing;
  }

  /** Writes {@code entries} under {@code key}, possibly together with other callers' entries. */
  void write(String key, C context, Map<String, String> entries) {
    Queue<C> q = queues.computeIfAbsent(key, k -> new Queue<>());
    CompletableFuture<Void> mine;
    boolean leader;
    synchronized (q) {
      q.entries.putAll(entries);
      q.context = context;
      mine = q.written;
      leader = !q.writing;
      q.writing = true;
    }
    if (leader) {
      flush(key, q);
    }
    try {
      mine.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Forgets a key's queue (the build is over); a write in flight still completes. */
  void forget(String key) {
    queues.remove(key);
  }

  private void flush(String key, Queue<C> q) {
    while (true) {
      Map<String, String> batch;
      CompletableFuture<Void> written;
      C context;
      synchronized (q) {
        if (q.entries.isEmpty()) {
          q.writing = false;
          return;
        }
        batch = q.entries;
        written = q.written;
        context = q.context;
        q.entries = new LinkedHashMap<>();
        q.written = new CompletableFuture<>();
      }
      try {
        write.write(key, context, batch);
        written.complete(null);
      } catch (RuntimeException e) {
        written.completeExceptionally(e);
      } catch (Error e) {
        written.completeExceptionally(e);
        synchronized (q) {
          q.writing = false;
        }
        throw e;
      }
    }
  }
}
