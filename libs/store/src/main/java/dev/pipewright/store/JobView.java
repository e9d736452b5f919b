package dev.pipewright.store;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One job instance of a build as stored, with its steps in order. {@code key} is the instance key
 * (the workflow job id, or {@code <id>.<n>} for a matrix instance); {@code jobId} the workflow job
 * id; {@code matrix} is null for a job without a matrix.
 */
public record JobView(
    UUID id,
    UUID buildId,
    String key,
    String jobId,
    String name,
    Map<String, Object> matrix,
    List<String> needs,
    JobStatus status,
    ErrorCode errorCode,
    String errorMessage,
    Map<String, String> outputs,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    int attempt,
    String runnerRef,
    List<StepView> steps) {}
