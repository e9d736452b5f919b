package dev.pipewright.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an API token may do. Each role includes the ones before it: {@code read} reads builds and
 * logs, {@code submit} also starts and cancels builds, {@code admin} also manages tokens.
 */
public enum Role {
  READ,
  SUBMIT,
  ADMIN;

  /** Whether a token of this role may do what needs {@code needed}. */
  public boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The lower-case name used on the command line, in the database and in messages. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the roles there are
   */
  public static Role parse(String text) {
    for (Role role : values()) {
      if (role.id().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return role;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '"
            + text
            + "', expected one of "
            + Arrays.stream(values()).map(Role::id).collect(Collectors.joining("|")));
  }

  @Override
  public String toString() {
    return id();
  }
}
