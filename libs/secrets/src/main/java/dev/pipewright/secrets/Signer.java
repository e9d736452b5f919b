package dev.pipewright.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures made with the secret key file's keys, so an installation has one key
 * format for sealing and for signing. Each purpose (runtime tokens, signed URLs) signs with its own
 * key derived from the file's key ({@code HMAC(key, "pipewright-sign:" + purpose)}): a signature
 * made for one purpose never verifies for another, and the AES keys are never used as MAC keys
 * directly. The first key signs; every key verifies, so rotation works as it does for sealing.
 */
public final class Signer {
  private static final String MAC = "HmacSHA256";

  private final SecretKeys keys;
  private final String purpose;

  private Signer(SecretKeys keys, String purpose) {
    this.keys = Objects.requireNonNull(keys, "keys");
    if (purpose == null || purpose.isEmpty()) {
      throw new IllegalArgumentException("a signer needs a purpose");
    }
    this.purpose = purpose;
  }

  /** Signs for {@code purpose} with {@code keys}. */
  public static Signer of(SecretKeys keys, String purpose) {
    return new Signer(keys, purpose);
  }

  /** A signature made now: the id of the key that made it and the MAC. */
  public record Signature(String keyId, byte[] mac) {}

  /** The id of the key {@link #sign} uses: the file's first. */
  public String signingKeyId() {
    return keys.sealingId();
  }

  /** Signs {@code data} with the signing (first) key. */
  public Signature sign(byte[] data) {
    String id = keys.sealingId();
    return new Signature(id, mac(keys.sealingKey(), data));
  }

  /**
   * Whether {@code mac} is the signature of {@code data} by the key {@code keyId}, compared in
   * constant time. An unknown key id is false.
   */
  public boolean verify(String keyId, byte[] data, byte[] mac) {
    Optional<SecretKeySpec> key = keyId == null ? Optional.empty() : keys.key(keyId);
    if (key.isEmpty() || mac == null) {
      return false;
    }
    return MessageDigest.isEqual(mac(key.get(), data), mac);
  }

  private byte[] mac(SecretKeySpec fileKey, byte[] data) {
    try {
      Mac derive = Mac.getInstance(MAC);
      derive.init(new SecretKeySpec(fileKey.getEncoded(), MAC));
      byte[] derived =
          derive.doFinal(("pipewright-sign:" + purpose).getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance(MAC);
      mac.init(new SecretKeySpec(derived, MAC));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "Signer[" + purpose + ", " + keys + "]";
  }
}
