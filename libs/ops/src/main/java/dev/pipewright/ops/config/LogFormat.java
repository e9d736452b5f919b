package dev.pipewright.ops.config;

/** How log events are written to standard output. */
public enum LogFormat {
  /** One human-readable line per event. */
  TEXT,
  /** One JSON object per line, for log collectors. */
  JSON
}
