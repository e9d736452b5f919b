package dev.pipewright.queue;

import java.util.Objects;

/**
 * A build to queue. The message id lets consumers and the broker's logs tell a duplicate (a
 * republish after a lost confirm) from a new request; the outbox row id is a natural choice.
 */
public record BuildMessage(String messageId, String buildId) {
  public BuildMessage {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(buildId, "buildId");
  }
}
