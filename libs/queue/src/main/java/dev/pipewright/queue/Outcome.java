package dev.pipewright.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link BuildHandler} decided about a delivery. The consumer settles the delivery
 * accordingly: {@link Ack} removes it, {@link Retry} parks a copy in the retry queue for {@code
 * delay} and then removes the original, {@link Requeue} hands it straight back to the broker
 * (counted against the queue's delivery limit), {@link DeadLetter} rejects it into the dead-letter
 * queue.
 */
public sealed interface Outcome {
  record Ack() implements Outcome {}

  record Retry(Duration delay) implements Outcome {
    public Retry {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("retry delay must not be negative: " + delay);
      }
    }
  }

  record Requeue() implements Outcome {}

  record DeadLetter(String reason) implements Outcome {
    public DeadLetter {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static Outcome ack() {
    return new Ack();
  }

  static Outcome retry(Duration delay) {
    return new Retry(delay);
  }

  static Outcome requeue() {
    return new Requeue();
  }

  static Outcome deadLetter(String reason) {
    return new DeadLetter(reason);
  }
}
