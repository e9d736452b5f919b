package dev.pipewright.parser.spec;

import java.util.Map;

/**
 * One step; exactly one of {@code run} and {@code uses} is set.
 *
 * @param index 0-based position in its job
 * @param ifCondition the {@code if:} text without {@code ${{ }}} (null when absent)
 * @param timeoutMinutes a number or an expression (null: bounded by the job's)
 * @param continueOnError {@code "true"}, {@code "false"} or an expression (null: false)
 * @param pos where the step starts
 * @param usesAt where its {@code uses:} key is ({@code pos} for a {@code run:} step), which checks
 *     of the action it names point at
 */
public record StepSpec(
    int index,
    String id,
    String name,
    String ifCondition,
    String run,
    String uses,
    Map<String, String> with,
    Map<String, String> env,
    String shell,
    String workingDirectory,
    String timeoutMinutes,
    String continueOnError,
    SourcePos pos,
    SourcePos usesAt) {

  /**
   * GitHub's default name: {@code name:}, else {@code Run} and the first line of the script, else
   * {@code Run} and the action it uses, a {@code docker://} image without that prefix
   * (actions/runner ActionRunner.GenerateDisplayName with the references
   * PipelineTemplateConverter.ConvertToStep makes: {@code Run actions/checkout@v4}, {@code Run
   * ./my-action}, {@code Run alpine:3}).
   */
  public String displayName() {
    if (name != null) {
      return name;
    }
    if (run != null) {
      String first = run.strip().lines().findFirst().orElse("");
      return "Run " + first;
    }
    return "Run "
        + ActionRef.tryParse(uses)
            .map(ref -> ref instanceof ActionRef.Docker docker ? docker.image() : uses)
            .orElse(uses);
  }
}
