package dev.pipewright.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An API token as handed to its owner once: {@code pwt_<id>_<secret>}. The {@code pwt_} marker lets
 * secret scanners recognise a leaked token; the id (12 characters, public: listed, logged) finds
 * the token's row; the secret is 32 random bytes. Only {@link #hash()} is stored.
 *
 * <p>Why SHA-256 and not a password hash (bcrypt, Argon2): a password hash is slow on purpose so
 * that guessing a human's low-entropy password from a stolen hash takes too long. These tokens hold
 * 256 random bits, which no guessing reaches at any hash speed, while every call verifies one: a
 * slow hash would only cost each request time and give nothing back. GitHub stores its tokens the
 * same way.
 */
public final class ApiToken {
  static final String MARKER = "pwt_";
  private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
  private static final int ID_LENGTH = 12;
  private static final int SECRET_BYTES = 32;
  private static final Pattern FORMAT =
      Pattern.compile("pwt_([a-z2-7]{" + ID_LENGTH + "})_([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String id;
  private final String text;

  private ApiToken(String id, String text) {
    this.id = id;
    this.text = text;
  }

  /** A new token from a strong random source. */
  public static ApiToken generate() {
    StringBuilder id = new StringBuilder(ID_LENGTH);
    for (int i = 0; i < ID_LENGTH; i++) {
      id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
    }
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    String text =
        MARKER + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new ApiToken(id.toString(), text);
  }

  /** The token in {@code text}, or empty if it does not have the token's shape. */
  public static Optional<ApiToken> parse(String text) {
    Matcher m = FORMAT.matcher(text);
    return m.matches() ? Optional.of(new ApiToken(m.group(1), text)) : Optional.empty();
  }

  /** The public part: the row to look up, what lists and logs show. */
  public String id() {
    return id;
  }

  /** The whole token, to give to its owner once and never to log. */
  public String reveal() {
    return text;
  }

  /** SHA-256 of the whole token: what the store keeps. */
  public byte[] hash() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Whether this token is the one {@code storedHash} was computed from, in constant time. */
  public boolean matches(byte[] storedHash) {
    return MessageDigest.isEqual(hash(), storedHash);
  }

  /** Never the secret: a token that ends up in a log line must not be usable. */
  @Override
  public String toString() {
    return MARKER + id + "_***";
  }
}
