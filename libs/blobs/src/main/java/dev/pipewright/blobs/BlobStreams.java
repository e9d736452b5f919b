package dev.pipewright.blobs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** The streams {@link DirectoryBlobStore} reads blobs through. */
final class BlobStreams {
  private BlobStreams() {}

  /** At most {@code remaining} bytes of {@code in}. */
  static final class Bounded extends FilterInputStream {
    private long remaining;

    Bounded(InputStream in, long remaining) {
      super(in);
      this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }

  /** Hashes what passes; at the end, throws instead of ending when it is not {@code address}. */
  static final class Verifying extends FilterInputStream {
    private final MessageDigest sha = DirectoryBlobStore.sha256();
    private final String address;
    private boolean checked;

    Verifying(InputStream in, String address) {
      super(in);
      this.address = address;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        check();
      } else {
        sha.update((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        check();
      } else {
        sha.update(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) {
      throw new UnsupportedOperationException("a verified read reads every byte");
    }

    private void check() throws BlobIntegrityException {
      if (checked) {
        return;
      }
      checked = true;
      BlobIntegrityException.checkRead(address, sha);
    }
  }
}
