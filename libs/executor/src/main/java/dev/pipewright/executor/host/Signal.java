package dev.pipewright.executor.host;

/**
 * What {@link HostProcess#signal} sends, to every process of the command's process group (the
 * command and whatever it started, also in the background).
 */
public enum Signal {
  /** Asks the processes to end: sent first on cancel and timeout. */
  TERM,
  /** Ends them: sent after the engine's grace period. */
  KILL
}
