package dev.pipewright.pipeline.reconcile;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.RetryPolicy;

/**
 * How many runs a job instance is allowed, by what ended the earlier ones. The instance's attempt
 * number is the one counter: every run counts, whatever ended the one before it. {@link
 * RetryPolicy} decides with the budget that fits the failure.
 *
 * @param lost runs allowed while runs are lost with their worker (the runner does not know the
 *     instance any more: a TRANSIENT failure)
 * @param infrastructure runs allowed while the runner ends runs FAILED with {@link
 *     ErrorCode#INFRASTRUCTURE} (the job's pod or node failed under it)
 */
public record Attempts(int lost, int infrastructure) {

  public Attempts {
    if (lost < 1 || infrastructure < 1) {
      throw new IllegalArgumentException(
          "attempt budgets must be at least 1: " + lost + ", " + infrastructure);
    }
  }

  /** The budgets of a worker: {@code infrastructureRetries} runs after the first (0 for none). */
  public static Attempts of(int lost, int infrastructureRetries) {
    if (infrastructureRetries < 0) {
      throw new IllegalArgumentException("infrastructure retries must be >= 0");
    }
    return new Attempts(lost, infrastructureRetries + 1);
  }

  /** What follows the loss of run {@code attempt}: run it again, or fail the instance. */
  public RetryPolicy.Decision afterLoss(int attempt) {
    return RetryPolicy.decide(ErrorCode.TRANSIENT, attempt, lost);
  }

  /**
   * Whether an instance whose run {@code attempt} the runner ended FAILED with {@code code} runs
   * again instead of failing. Only an infrastructure failure does: a job's own failures (a step's
   * exit code, a timeout, an error of its host that is no infrastructure failure) are its result.
   */
  public boolean runsAgainAfter(ErrorCode code, int attempt) {
    return code == ErrorCode.INFRASTRUCTURE
        && RetryPolicy.decide(code, attempt, infrastructure) instanceof RetryPolicy.Retry;
  }
}
