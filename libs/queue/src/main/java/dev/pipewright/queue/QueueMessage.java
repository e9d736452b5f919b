package dev.pipewright.queue;

import java.time.Instant;

/**
 * One delivery of a build message.
 *
 * @param id the message id given at publish time (stable across retries and redeliveries)
 * @param buildId the build to work on: the message's whole body
 * @param deliveredAt when this consumer received it
 * @param deliveryCount 1 for the first delivery; counts redeliveries by the broker and retries
 *     through the retry queue
 */
public record QueueMessage(String id, String buildId, Instant deliveredAt, int deliveryCount) {}
