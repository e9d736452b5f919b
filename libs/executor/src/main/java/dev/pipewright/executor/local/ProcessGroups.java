package dev.pipewright.executor.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process group still has members, read from {@code /proc}. Signalling a group takes a
 * {@code kill} process (Java cannot signal a group), which costs a few milliseconds of CPU per
 * step; most steps leave nothing behind, and a scan of {@code /proc} is far cheaper than the spawn.
 * A group with no members stays empty: only a member can add a process to it.
 */
final class ProcessGroups {
  private static final Path PROC = Path.of("/proc");

  private ProcessGroups() {}

  /**
   * False only when {@code /proc} shows that no process is in group {@code pgid}; true when one is,
   * or when {@code /proc} cannot answer (not Linux), so the caller signals as before.
   */
  static boolean mayHaveMembers(long pgid) {
    if (!Files.isReadable(PROC.resolve("self").resolve("stat"))) {
      return true;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        String stat;
        try {
          stat = Files.readString(entry.resolve("stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
          continue; // the process ended during the scan
        }
        if (groupOf(stat) == pgid) {
          return true;
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /**
   * The process group field of a {@code /proc/<pid>/stat} line, or -1. The command name is in
   * parentheses and may itself hold spaces and parentheses, so fields are counted from the last
   * closing one: state, ppid, pgrp.
   */
  static long groupOf(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return -1;
    }
    String[] fields = stat.substring(close + 1).trim().split(" ", 4);
    if (fields.length < 3) {
      return -1;
    }
    try {
      return Long.parseLong(fields[2]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
