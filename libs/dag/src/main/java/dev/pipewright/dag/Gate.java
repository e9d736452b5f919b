package dev.pipewright.dag;

import java.util.List;

/**
 * The {@code if:} of a job that calls a reusable workflow: the called jobs run only when it holds,
 * evaluated as a job {@code if:} against the caller's own needs.
 *
 * @param ifCondition the caller's {@code if:} without {@code ${{ }}}, or null (then: its needs
 *     succeeded)
 * @param needs the caller's needs, as job ids of the build
 */
public record Gate(String ifCondition, List<String> needs) {
  public Gate {
    needs = List.copyOf(needs);
  }
}
