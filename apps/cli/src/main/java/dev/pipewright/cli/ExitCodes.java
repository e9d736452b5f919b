package dev.pipewright.cli;

import picocli.CommandLine;

/** The exit codes every command uses. */
final class ExitCodes {
  static final int OK = CommandLine.ExitCode.OK;

  /** The input was read but is invalid, or the operation failed. */
  static final int FAILED = 1;

  /** Bad arguments or unreadable input: picocli's own code for usage errors. */
  static final int USAGE = CommandLine.ExitCode.USAGE;

  private ExitCodes() {}
}
