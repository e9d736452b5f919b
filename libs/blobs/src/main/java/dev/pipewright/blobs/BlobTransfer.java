package dev.pipewright.blobs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A blob's bytes opened for copying to a stream ({@link BlobStore#transfer}). Opened apart from the
 * copy, so that a missing blob is known before the caller promises anything (an HTTP status), and
 * copied by {@link VerifiedCopy}, so that a damaged one reaches the stream short, never whole.
 * Closed by the caller.
 */
public final class BlobTransfer implements Closeable {
  private final InputStream bytes;
  private final String address;

  /**
   * @param bytes what to copy, to its end
   * @param address the blob's address when {@code bytes} are all of it (checked as they are
   *     copied), else null
   */
  public BlobTransfer(InputStream bytes, String address) {
    this.bytes = bytes;
    this.address = address;
  }

  /**
   * Copies the bytes to {@code out}; a damaged whole blob throws {@link BlobIntegrityException}
   * before its last bytes are written.
   */
  public void to(OutputStream out) throws IOException {
    VerifiedCopy.copy(bytes, out, address);
  }

  @Override
  public void close() throws IOException {
    bytes.close();
  }
}
