package dev.pipewright.blobs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SHA-256 of each upload in progress, computed while its parts arrive, so that a join has its
 * hash (nearly) ready instead of reading the whole upload once more at the end, one thread long.
 * SHA-256 runs in order, so a part is hashed once every part before it was: one hasher per upload
 * at a time, a virtual thread started when the next part in order is staged, hashes it and every
 * later part already waiting (read back from the page cache). It runs beside the requests, not in
 * them, so a Put Block answers as soon as its bytes are written. What was hashed is only a guess of
 * the upload's order (the caller's {@code position}); a join hashes what is still waiting in that
 * order, takes the longest prefix of its parts that was hashed so and hashes the rest itself. Kept
 * for the uploads of this process only (parts of one upload staged through several processes are
 * hashed by the join) and for at most {@link #MAX_UPLOADS} at once: the least recently staged are
 * forgotten.
 */
final class RunningDigests {
  private static final Logger log = LoggerFactory.getLogger(RunningDigests.class);
  static final int MAX_UPLOADS = 1024;

  private final Map<String, Running> uploads =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Running> eldest) {
          return size() > MAX_UPLOADS;
        }
      };

  /** Part {@code part} (file {@code file}) of {@code upload} is staged at {@code position}. */
  void staged(String upload, long position, String part, Path file) {
    Running running;
    synchronized (uploads) {
      running = uploads.computeIfAbsent(upload, u -> new Running());
    }
    running.offer(position, part, file);
  }

  /**
   * Forgets {@code upload} and returns what it hashed of {@code parts}: the digest after their
   * longest prefix that was hashed in order (a fresh digest when none was).
   */
  Prefix take(String upload, List<String> parts) {
    Running running;
    synchronized (uploads) {
      running = uploads.remove(upload);
    }
    return running == null ? Prefix.none() : running.prefixOf(parts);
  }

  /** A digest over the first {@code parts} parts, {@code size} bytes. */
  record Prefix(MessageDigest sha, int parts, long size) {
    static Prefix none() {
      return new Prefix(DirectoryBlobStore.sha256(), 0, 0);
    }
  }

  /** Hashes {@code file} whole into {@code sha}; its size. */
  static long hash(Path file, MessageDigest sha, byte[] buffer) throws IOException {
    long size = 0;
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer bytes = ByteBuffer.wrap(buffer);
      int n;
      // A heap array: MessageDigest hashes a direct buffer through a copy of its own.
      while ((n = in.read(bytes.clear())) >= 0) {
        sha.update(buffer, 0, n);
        size += n;
      }
    }
    return size;
  }

  private record Waiting(String part, Path file) {}

  /** One upload: the parts hashed so far, in order, and those waiting for an earlier one. */
  private static final class Running {
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean hashing = new AtomicBoolean();
    private final ConcurrentSkipListMap<Long, Waiting> waiting = new ConcurrentSkipListMap<>();
    private final MessageDigest sha = DirectoryBlobStore.sha256();
    private final List<String> hashed = new ArrayList<>();
    private volatile long next;
    private long size;
    // Either stops hashing for good; read without the lock before a hasher is started.
    private volatile boolean broken;
    private volatile boolean taken;

    void offer(long position, String part, Path file) {
      if (position < next) {
        // Staged again after it was hashed: the join sees another part there and hashes from it.
        return;
      }
      waiting.put(position, new Waiting(part, file));
      startHashing();
    }

    private void startHashing() {
      if (!broken && !taken && waiting.containsKey(next) && hashing.compareAndSet(false, true)) {
        Thread.ofVirtual().name("upload-hash").start(this::hashWaiting);
      }
    }

    private void hashWaiting() {
      lock.lock();
      try {
        drain();
      } finally {
        lock.unlock();
      }
      hashing.set(false);
      // A part offered after the drain's last look, while this hasher still counted as running.
      startHashing();
    }

    /** Hashes the waiting parts that come next, in order; the caller holds the lock. */
    private void drain() {
      byte[] buffer = new byte[DirectoryBlobStore.BUFFER];
      Waiting w;
      while (!broken && !taken && (w = waiting.remove(next)) != null) {
        try {
          size += hash(w.file(), sha, buffer);
          hashed.add(w.part());
          next++;
        } catch (IOException e) {
          // Discarded meanwhile, say: the join hashes from the last part hashed whole.
          log.debug("Stopped hashing an upload ahead of its join: {}", e.toString());
          broken = true;
        }
      }
    }

    /**
     * Hashes what waits in order (a hasher may not have got to it yet), then hands the digest to
     * the join: no hasher touches it after that.
     */
    Prefix prefixOf(List<String> parts) {
      lock.lock();
      try {
        drain();
        taken = true;
        boolean prefix =
            !broken
                && hashed.size() <= parts.size()
                && hashed.equals(parts.subList(0, hashed.size()));
        return prefix ? new Prefix(sha, hashed.size(), size) : Prefix.none();
      } finally {
        lock.unlock();
      }
    }
  }
}
