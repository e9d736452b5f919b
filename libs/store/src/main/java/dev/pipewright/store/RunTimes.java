package dev.pipewright.store;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * When a build, job or step started and finished, as stored by the move that changed it: returned
 * by the move itself so a caller that counts run times needs no second read.
 */
public record RunTimes(Instant startedAt, Instant finishedAt) {

  static RunTimes of(OffsetDateTime startedAt, OffsetDateTime finishedAt) {
    return new RunTimes(Rows.instant(startedAt), Rows.instant(finishedAt));
  }

  /** The run time; zero for what never started or has not finished. */
  public Duration ran() {
    if (startedAt == null || finishedAt == null || finishedAt.isBefore(startedAt)) {
      return Duration.ZERO;
    }
    return Duration.between(startedAt, finishedAt);
  }
}
