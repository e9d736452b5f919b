package dev.pipewright.blobs;

import java.io.IOException;
import java.security.MessageDigest;

/** Bytes that do not hash to what they should: refused on write, reported on read. */
public final class BlobIntegrityException extends IOException {
  public BlobIntegrityException(String message) {
    super(message);
  }

  /**
   * Checks a whole read of blob {@code address}: its bytes, hashed into {@code sha}, must hash to
   * the address.
   */
  static void checkRead(String address, MessageDigest sha) throws BlobIntegrityException {
    String actual = StoredBlob.hex(sha.digest());
    if (!actual.equals(address)) {
      throw new BlobIntegrityException(
          "blob " + address + " is damaged: its bytes hash to " + actual);
    }
  }
}
