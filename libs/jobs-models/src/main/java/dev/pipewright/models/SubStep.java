package dev.pipewright.models;

import java.util.List;

/**
 * One inner step of a composite action, shown under the step that called the action, as GitHub's
 * log view nests them: its place in the action's {@code runs.steps}, its display name (the {@code
 * name:}, else {@code Run} and its script's first line or the action it uses), how it ended, and
 * the inner steps of an action it ran in turn.
 *
 * @param number 1-based position in the action's steps
 * @param status SUCCEEDED (also after a failure under {@code continue-on-error}), FAILED, SKIPPED
 *     or CANCELLED
 */
public record SubStep(int number, String name, StepStatus status, List<SubStep> steps) {
  public SubStep {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }
}
