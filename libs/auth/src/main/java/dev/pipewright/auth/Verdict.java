package dev.pipewright.auth;

import java.util.Objects;

/** What {@link Authenticator#check} decided about one call. */
public sealed interface Verdict {
  /** The call may proceed on behalf of {@code principal}. */
  record Allowed(Principal principal) implements Verdict {}

  /**
   * The call is refused.
   *
   * @param reason for the caller and the log; never holds the token
   */
  record Refused(Refusal refusal, String reason) implements Verdict {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Why a call is refused: gRPC UNAUTHENTICATED / PERMISSION_DENIED, HTTP 401 / 403. */
  enum Refusal {
    /** No token, a malformed one, or one that is unknown or revoked. */
    UNAUTHENTICATED,
    /** A valid token whose role does not include what the call needs. */
    PERMISSION_DENIED;

    /** {@code unauthenticated} or {@code permission_denied}, for metric labels. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
