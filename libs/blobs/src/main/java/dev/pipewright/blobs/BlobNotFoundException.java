package dev.pipewright.blobs;

import java.io.IOException;

/** No blob at an address. */
public final class BlobNotFoundException extends IOException {
  public BlobNotFoundException(String address) {
    super("no blob " + address);
  }
}
