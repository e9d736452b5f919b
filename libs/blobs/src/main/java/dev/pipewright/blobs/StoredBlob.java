package dev.pipewright.blobs;

import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A blob in a {@link BlobStore}: its address (the lower-case hex SHA-256 of its content) and size.
 */
public record StoredBlob(String sha256, long size) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public StoredBlob {
    checkAddress(sha256);
    if (size < 0) {
      throw new IllegalArgumentException("negative size: " + size);
    }
  }

  /** The address, so a caller may pass it on: {@code sha256} itself. */
  public String address() {
    return sha256;
  }

  /** The digest as the toolkit writes it, {@code sha256:<hex>}. */
  public String digest() {
    return "sha256:" + sha256;
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  /**
   * @throws IllegalArgumentException unless {@code address} is 64 lower-case hex digits (so it can
   *     never name a path outside the store)
   */
  public static String checkAddress(String address) {
    Objects.requireNonNull(address, "address");
    if (!HEX.matcher(address).matches()) {
      throw new IllegalArgumentException("not a blob address (64 lower-case hex): " + address);
    }
    return address;
  }
}
