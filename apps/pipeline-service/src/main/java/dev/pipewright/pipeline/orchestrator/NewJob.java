package dev.pipewright.pipeline.orchestrator;

import java.util.List;
import java.util.Map;

/**
 * A job instance row to create, PENDING, with its steps (numbered from 1, PENDING).
 *
 * @param matrix null without a matrix (and for the placeholder of a dynamic matrix, keyed by its
 *     job id)
 */
public record NewJob(
    String key,
    String jobId,
    String name,
    Map<String, Object> matrix,
    List<String> needs,
    List<String> stepNames) {}
