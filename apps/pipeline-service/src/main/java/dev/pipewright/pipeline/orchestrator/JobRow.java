package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import java.time.Instant;
import java.util.Map;

/**
 * One stored job instance.
 *
 * @param matrix the matrix cell; null or empty without a matrix. The placeholder of a dynamic
 *     matrix not expanded yet is the row whose key is its job id
 */
public record JobRow(
    String key,
    String jobId,
    Map<String, Object> matrix,
    JobStatus status,
    int attempt,
    ErrorCode errorCode,
    String errorMessage,
    Map<String, String> outputs,
    Instant finishedAt) {}
