package dev.pipewright.cli.view;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import java.time.Instant;

/**
 * One step as shown.
 *
 * @param number 1-based position in its job
 * @param exitCode null until a process exited
 */
public record StepState(
    int number,
    String name,
    StepStatus status,
    Integer exitCode,
    ErrorCode errorCode,
    String errorMessage,
    Instant startedAt,
    Instant finishedAt) {}
