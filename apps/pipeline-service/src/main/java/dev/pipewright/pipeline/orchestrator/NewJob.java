package dev.pipewright.pipeline.orchestrator;

import java.util.List;
import java.util.Map;

/**
 * A job instance row to create, PENDING, with its steps (numbered from 1, PENDING).
 *
 * @param matrix null for the placeholder of a dynamic matrix
 */
public record NewJob(
    String key,
    String jobId,
    String name,
    Map<String, Object> matrix,
    List<String> needs,
    List<String> stepNames) {}
