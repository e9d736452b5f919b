package dev.pipewright.cli.view;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps a table at the bottom of a terminal while lines scroll above it: each frame moves the
 * cursor back to the table's first row, clears to the end of the screen, prints the new lines and
 * then the table again. A table line wider than the terminal wraps onto several rows, and all of
 * them are moved back over: counting lines instead left stale rows on a narrow terminal. Pure:
 * returns the text to write.
 */
public final class LiveScreen {
  private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");

  private int tableRows;

  /**
   * New lines to scroll, then the current table.
   *
   * @param columns the terminal's width; 0 or less when unknown (each line is then one row)
   */
  public String frame(List<String> lines, List<String> table, int columns) {
    StringBuilder out = new StringBuilder(erase());
    for (String line : lines) {
      out.append(line).append('\n');
    }
    for (String line : table) {
      out.append(line).append('\n');
    }
    tableRows = rows(table, columns);
    return out.toString();
  }

  /** Removes the table, e.g. before the summary is printed in its place. */
  public String clear() {
    String out = erase();
    tableRows = 0;
    return out;
  }

  /**
   * The terminal rows {@code lines} take at {@code columns} wide: a line of up to {@code columns}
   * visible characters takes one (the cursor waits at the margin until the newline), a longer one
   * one more per {@code columns} started; colour codes take none.
   */
  static int rows(List<String> lines, int columns) {
    int rows = 0;
    for (String line : lines) {
      String visible = ANSI.matcher(line).replaceAll("");
      int width = visible.codePointCount(0, visible.length());
      rows += columns <= 0 || width <= columns ? 1 : (width + columns - 1) / columns;
    }
    return rows;
  }

  private String erase() {
    // CSI n F: cursor to the start of the row n rows up; CSI J: clear to the end of the screen.
    return tableRows == 0 ? "" : "\u001b[" + tableRows + "F\u001b[J";
  }
}
