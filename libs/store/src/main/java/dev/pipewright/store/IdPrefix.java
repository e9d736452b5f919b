package dev.pipewright.store;

import java.util.Optional;
import java.util.UUID;

/**
 * The start of a build id as people type it (as git takes a commit's abbreviation): the ids it can
 * begin are exactly those between {@link #lowest} and {@link #highest}, because PostgreSQL orders
 * uuids byte by byte, which is the order of their hex text. The store reads them by an index range.
 */
public record IdPrefix(String text) {
  /** Shorter ones match too many builds to be worth a query (git's minimum abbreviation). */
  public static final int MIN_LENGTH = 4;

  private static final String LOW = "00000000-0000-0000-0000-000000000000";
  private static final String HIGH = "ffffffff-ffff-ffff-ffff-ffffffffffff";

  /**
   * The prefix {@code value} is, if it is one: at least {@value #MIN_LENGTH} characters, hex digits
   * with hyphens where a uuid has them, shorter than a whole id; any case.
   */
  public static Optional<IdPrefix> parse(String value) {
    String text = value.strip().toLowerCase(java.util.Locale.ROOT);
    if (text.length() < MIN_LENGTH || text.length() >= LOW.length()) {
      return Optional.empty();
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = LOW.charAt(i) == '-' ? c == '-' : Character.digit(c, 16) >= 0;
      if (!ok) {
        return Optional.empty();
      }
    }
    return Optional.of(new IdPrefix(text));
  }

  public UUID lowest() {
    return UUID.fromString(text + LOW.substring(text.length()));
  }

  public UUID highest() {
    return UUID.fromString(text + HIGH.substring(text.length()));
  }
}
