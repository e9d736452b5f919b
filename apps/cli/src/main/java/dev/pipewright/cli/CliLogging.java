package dev.pipewright.cli;

import ch.qos.logback.classic.Level;
import dev.pipewright.ops.config.LogFormat;
import dev.pipewright.ops.logging.LogSetup;
import org.slf4j.LoggerFactory;

/** The CLI's logging once a configuration is loaded: always on standard error. */
final class CliLogging {
  private CliLogging() {}

  /**
   * Applies {@code format} and {@code level} ({@link LogSetup}), to standard error: standard output
   * carries command results.
   */
  static void apply(LogFormat format, String level) {
    LogSetup.apply(format, level, true);
    // LogSetup replaces logback.xml, whose quieting of jOOQ's start-up notices goes with it.
    if (LoggerFactory.getLogger("org.jooq") instanceof ch.qos.logback.classic.Logger jooq) {
      jooq.setLevel(Level.ERROR);
    }
  }
}
