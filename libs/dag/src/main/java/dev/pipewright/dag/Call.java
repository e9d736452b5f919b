package dev.pipewright.dag;

import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One instance of a job that calls a reusable workflow (one per cell of the caller's matrix).
 *
 * @param key the caller instance's key; the called jobs' ids start with {@code key + "."}
 * @param name the caller instance's name; the called jobs' names start with {@code name + " / "}
 * @param caller the calling job as written, with its {@code with:} and {@code secrets:}
 * @param needs the caller's needs as job ids of the build (what its {@code with:} may read)
 * @param matrix the caller instance's matrix cell; empty without a matrix
 * @param called the called workflow
 * @param parent the call the caller itself belongs to, or null at the top level
 */
public record Call(
    String key,
    String name,
    JobSpec caller,
    List<String> needs,
    Map<String, Object> matrix,
    WorkflowSpec called,
    Call parent) {

  public Call {
    needs = List.copyOf(needs);
    matrix = matrix.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(matrix));
  }

  /** The id, within the build, of the called workflow's job {@code jobId}. */
  public String jobId(String jobId) {
    return key + "." + jobId;
  }

  /**
   * A job id as its own workflow file writes it: the build's id without the callers' prefixes. Job
   * ids contain no '.', so the last segment is the written one.
   */
  public static String written(String buildJobId) {
    return buildJobId.substring(buildJobId.lastIndexOf('.') + 1);
  }
}
