package dev.pipewright.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A token as lists show it: never its secret.
 *
 * @param revokedAt when it was revoked; empty while it is live
 */
public record TokenInfo(
    String id, String name, Role role, Instant createdAt, Optional<Instant> revokedAt) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  public TokenInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(revokedAt, "revokedAt");
  }

  public boolean live() {
    return revokedAt.isEmpty();
  }

  /**
   * Checks a name for a new token: names tell live tokens apart (revoke takes one), so they are
   * short, printable and free of spaces.
   *
   * @throws IllegalArgumentException saying what a name may be
   */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a token name is 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit;"
              + " got '"
              + name
              + "'");
    }
    return name;
  }
}
