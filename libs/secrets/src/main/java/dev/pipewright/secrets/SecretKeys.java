package dev.pipewright.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret key file: one AES-256 key a line, {@code <key id>:<base64 of 32 bytes>}; blank lines
 * and lines starting with {@code #} are ignored. The FIRST key seals new values; every key opens
 * the values sealed with it. That is rotation: put a new key first and keep the old ones below
 * until nothing sealed with them is left (a build's sealed values are erased when it ends).
 */
public final class SecretKeys {
  /** How to make a key, for every message that asks for one. */
  public static final String HOW_TO_CREATE =
      "create one with 'pipewright secret-key create > pipewright-secret.key' and give its path to"
          + " the entry API and every worker as PIPEWRIGHT_SECRET_KEY_FILE (on Kubernetes, the"
          + " Secret pipewright-secret-key: see the README)";

  static final int KEY_BYTES = 32;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Keys by id, the sealing one first. */
  private final Map<String, SecretKeySpec> keys;

  private SecretKeys(Map<String, SecretKeySpec> keys) {
    this.keys = keys;
  }

  /**
   * Reads a key file.
   *
   * @throws IllegalArgumentException naming the file, and the line for a malformed one
   */
  public static SecretKeys load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("secret key file " + file + ": no such file", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("secret key file " + file + ": " + e, e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses the text of a key file; {@code source} names it in errors.
   *
   * @throws IllegalArgumentException for a malformed line, a key that is not 32 bytes, a repeated
   *     id, or no key at all
   */
  public static SecretKeys parse(String text, String source) {
    Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "secret key file " + source + " line " + (i + 1) + ": ";
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(where + "expected <key id>:<base64 of 32 bytes>");
      }
      String id = line.substring(0, colon);
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException(
            where + "key id '" + id + "' must be 1 to 64 of A-Z a-z 0-9 . _ -");
      }
      byte[] material;
      try {
        material = Base64.getDecoder().decode(line.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + "key " + id + " is not base64", e);
      }
      if (material.length != KEY_BYTES) {
        throw new IllegalArgumentException(
            where + "key " + id + " is " + material.length + " bytes; AES-256 needs 32");
      }
      if (keys.putIfAbsent(id, new SecretKeySpec(material, "AES")) != null) {
        throw new IllegalArgumentException(where + "key id " + id + " appears twice");
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("secret key file " + source + " holds no key");
    }
    return new SecretKeys(keys);
  }

  /** A fresh key line, {@code <id>:<base64 of 32 random bytes>}. */
  public static String newKeyLine(String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "key id '" + id + "' must be 1 to 64 of A-Z a-z 0-9 . _ -");
    }
    byte[] material = new byte[KEY_BYTES];
    RANDOM.nextBytes(material);
    return id + ":" + Base64.getEncoder().encodeToString(material);
  }

  /** The id of the key that seals new values: the file's first. */
  public String sealingId() {
    return keys.keySet().iterator().next();
  }

  /** Every key id, the sealing one first. */
  public List<String> ids() {
    return new ArrayList<>(keys.keySet());
  }

  SecretKeySpec sealingKey() {
    return keys.get(sealingId());
  }

  Optional<SecretKeySpec> key(String id) {
    return Optional.ofNullable(keys.get(id));
  }

  /** The ids only: key material never reaches a log line. */
  @Override
  public String toString() {
    return "SecretKeys" + ids();
  }
}
