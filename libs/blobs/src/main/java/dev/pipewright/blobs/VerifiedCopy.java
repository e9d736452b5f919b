package dev.pipewright.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Copies a blob's bytes to a stream, checking them against its address when it is sent whole. Each
 * chunk is written one chunk late, so the last one goes out only after the whole was verified: a
 * damaged blob reaches its reader short (over HTTP with a Content-Length, a cut connection), never
 * as a complete body. (A verifying stream can only object after its caller took every byte.)
 */
final class VerifiedCopy {
  static final int CHUNK = 1 << 20;

  private VerifiedCopy() {}

  /**
   * Copies {@code in} to {@code out} to its end; checks the bytes hash to {@code address} when it
   * is not null.
   */
  static void copy(InputStream in, OutputStream out, String address) throws IOException {
    MessageDigest sha = address == null ? null : DirectoryBlobStore.sha256();
    byte[][] buffers = {new byte[CHUNK], new byte[CHUNK]};
    int[] lengths = new int[2];
    int i = 0;
    boolean held = false; // buffers[1 - i] holds a chunk not written yet
    while (true) {
      int n = in.readNBytes(buffers[i], 0, CHUNK);
      if (n == 0) {
        if (sha != null) {
          BlobIntegrityException.checkRead(address, sha);
        }
        if (held) {
          out.write(buffers[1 - i], 0, lengths[1 - i]);
        }
        return;
      }
      if (sha != null) {
        sha.update(buffers[i], 0, n);
      }
      lengths[i] = n;
      if (held) {
        out.write(buffers[1 - i], 0, lengths[1 - i]);
      }
      held = true;
      i = 1 - i;
    }
  }
}
