package dev.pipewright.store;

import dev.pipewright.models.BuildStatus;
import java.util.UUID;

/** The outcome of a create: {@code existing} is true when an idempotency key matched. */
public record CreatedBuild(UUID id, long number, BuildStatus status, boolean existing) {}
