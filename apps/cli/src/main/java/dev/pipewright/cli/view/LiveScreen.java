package dev.pipewright.cli.view;

import java.util.List;

/**
 * Keeps a table at the bottom of a terminal while lines scroll above it: each frame moves the
 * cursor back to the table's first line, clears to the end of the screen, prints the new lines and
 * then the table again. Pure: returns the text to write.
 */
public final class LiveScreen {
  private int tableHeight;

  /** New lines to scroll, then the current table. */
  public String frame(List<String> lines, List<String> table) {
    StringBuilder out = new StringBuilder(erase());
    for (String line : lines) {
      out.append(line).append('\n');
    }
    for (String line : table) {
      out.append(line).append('\n');
    }
    tableHeight = table.size();
    return out.toString();
  }

  /** Removes the table, e.g. before the summary is printed in its place. */
  public String clear() {
    String out = erase();
    tableHeight = 0;
    return out;
  }

  private String erase() {
    // CSI n F: cursor to the start of the line n lines up; CSI J: clear to the end of the screen.
    return tableHeight == 0 ? "" : "\u001b[" + tableHeight + "F\u001b[J";
  }
}
