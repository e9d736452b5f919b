package dev.pipewright.store;

/** Why a build is in the outbox. */
public enum OutboxKind {
  /** A new build: publishing it moves it PENDING → QUEUED. */
  START,
  /** A build handed back after its worker's lease expired; it is QUEUED already. */
  REQUEUE,
  /** A finished build run again ({@link BuildReruns}); it is QUEUED already. */
  RERUN
}
