package dev.pipewright.entryapi.artifacts;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalLong;

/**
 * Where a Put Block's block will sit in its blob, guessed from its id before Put Block List says,
 * so the blob store can hash blocks in order as they arrive ({@code BlobStore.stage}). The
 * toolkit's blob client names block {@code i} base64(prefix + {@code i} zero-padded to at least 6
 * digits) (@azure/storage-blob utils.common.ts {@code generateBlockID}, used by {@code
 * uploadStream} and {@code uploadFile}; at most 50,000 blocks, so the last 6 digits are the index).
 * A wrong guess costs the commit a read of the blocks, never a wrong blob.
 */
final class BlockPositions {
  private static final int DIGITS = 6;

  private BlockPositions() {}

  /** The index the id's last 6 decoded characters spell, when they are digits. */
  static OptionalLong predicted(String blockId) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(blockId);
    } catch (IllegalArgumentException e) {
      return OptionalLong.empty();
    }
    if (decoded.length < DIGITS) {
      return OptionalLong.empty();
    }
    String last = new String(decoded, decoded.length - DIGITS, DIGITS, StandardCharsets.ISO_8859_1);
    for (int i = 0; i < DIGITS; i++) {
      if (last.charAt(i) < '0' || last.charAt(i) > '9') {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(Long.parseLong(last));
  }
}
