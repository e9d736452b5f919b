package dev.pipewright.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secret values for storage with AES-256-GCM and opens them again.
 *
 * <p>A sealed value reads {@code pws1:<key id>:<base64 of nonce, ciphertext and tag>}. Each value
 * gets a fresh random 96-bit nonce (NIST SP 800-38D §8.2.2 allows 2^32 such values per key: rotate
 * long before). The associated data binds the ciphertext to its key id, its owner (the build id)
 * and its name, so a value copied into another build or under another name, or relabelled with
 * another key id, does not open: GCM refuses it as if it had been altered.
 */
public final class SecretBox {
  static final String VERSION = "pws1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final Pattern SEALED =
      Pattern.compile(VERSION + ":([A-Za-z0-9._-]{1,64}):([A-Za-z0-9+/]+={0,2})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeys keys;

  public SecretBox(SecretKeys keys) {
    this.keys = Objects.requireNonNull(keys);
  }

  /**
   * The box of a configured key file, or empty when none is configured.
   *
   * @throws IllegalArgumentException when the file cannot be read or is malformed
   */
  public static Optional<SecretBox> load(Optional<Path> keyFile) {
    return keyFile.map(SecretKeys::load).map(SecretBox::new);
  }

  public SecretKeys keys() {
    return keys;
  }

  /** {@code value} sealed with the sealing key for {@code owner} (a build id) and {@code name}. */
  public String seal(String owner, String name, String value) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    String keyId = keys.sealingId();
    byte[] sealed;
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.sealingKey(), nonce);
      cipher.updateAAD(associatedData(keyId, owner, name));
      sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JDK: " + e, e);
    }
    byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
    return VERSION + ":" + keyId + ":" + Base64.getEncoder().encodeToString(out);
  }

  /**
   * The value {@link #seal} sealed for this {@code owner} and {@code name}.
   *
   * @throws SecretException when {@code sealed} is malformed, its key is not loaded, or it does not
   *     authenticate (altered, or sealed for another owner or name)
   */
  public String open(String owner, String name, String sealed) {
    Matcher m = SEALED.matcher(sealed == null ? "" : sealed);
    if (!m.matches()) {
      throw new SecretException(
          "secret " + name + " is not a sealed value (" + VERSION + ":<key id>:<base64>)");
    }
    String keyId = m.group(1);
    SecretKeySpec key =
        keys.key(keyId)
            .orElseThrow(
                () ->
                    new SecretException(
                        "secret "
                            + name
                            + " was sealed with key "
                            + keyId
                            + ", which is not among the loaded keys "
                            + keys.ids()
                            + ": put that key back in the key file (below the sealing one)"));
    byte[] data = Base64.getDecoder().decode(m.group(2));
    if (data.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new SecretException("secret " + name + " is too short to be a sealed value");
    }
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOf(data, NONCE_BYTES));
      cipher.updateAAD(associatedData(keyId, owner, name));
      return new String(
          cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new SecretException(
          "secret "
              + name
              + " does not open with key "
              + keyId
              + ": it was altered, or sealed for another build or name",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JDK: " + e, e);
    }
  }

  private static Cipher cipher(int mode, SecretKeySpec key, byte[] nonce)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance(TRANSFORMATION);
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    return cipher;
  }

  /**
   * The version, key id, owner and name, each length-prefixed so that no two different triples give
   * the same bytes (a name holding a separator cannot pose as another owner's).
   */
  private static byte[] associatedData(String keyId, String owner, String name) {
    byte[][] parts = {
      VERSION.getBytes(StandardCharsets.UTF_8),
      keyId.getBytes(StandardCharsets.UTF_8),
      owner.getBytes(StandardCharsets.UTF_8),
      name.getBytes(StandardCharsets.UTF_8)
    };
    int size = 0;
    for (byte[] p : parts) {
      size += Integer.BYTES + p.length;
    }
    ByteBuffer aad = ByteBuffer.allocate(size);
    for (byte[] p : parts) {
      aad.putInt(p.length).put(p);
    }
    return aad.array();
  }
}
