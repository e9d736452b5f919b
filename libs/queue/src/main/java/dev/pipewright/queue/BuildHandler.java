package dev.pipewright.queue;

/**
 * Decides what happens to one delivery. Called on a virtual thread; deliveries of one consumer
 * channel arrive one at a time, in order. A handler that throws is settled as {@link
 * dev.pipewright.models.RetryPolicy} decides for its error, with the queue's attempts as the
 * budget: retried with back-off, or dead-lettered.
 *
 * <p>Acknowledge as soon as the work is durably claimed (a database row), not when it is done: the
 * broker closes channels whose deliveries stay unacknowledged past its consumer timeout.
 */
@FunctionalInterface
public interface BuildHandler {
  Outcome handle(QueueMessage message);
}
