package dev.pipewright.blobs;

import java.io.IOException;

/** Bytes that do not hash to what they should: refused on write, reported on read. */
public final class BlobIntegrityException extends IOException {
  public BlobIntegrityException(String message) {
    super(message);
  }
}
