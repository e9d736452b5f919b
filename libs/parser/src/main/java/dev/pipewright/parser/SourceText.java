package dev.pipewright.parser;

import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Maps an offset inside a scalar's value back to a line and column of the file. The value and its
 * source differ (quotes, indentation of block scalars, folding), so the line of the value around
 * the offset is looked up verbatim in the scalar's source span.
 */
final class SourceText {
  private final String text;
  private final List<Integer> lineStarts = new ArrayList<>();

  SourceText(String text) {
    this.text = text;
    lineStarts.add(0);
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        lineStarts.add(i + 1);
      }
    }
  }

  /**
   * The 1-based {line, column} of character {@code offset} of the scalar's value, or the scalar's
   * start when the value's text cannot be found in its source (escapes, folded lines).
   */
  int[] locate(ScalarNode node, int offset) {
    Mark start = node.getStartMark().orElse(null);
    Mark end = node.getEndMark().orElse(null);
    if (start == null) {
      return new int[] {1, 1};
    }
    int[] fallback = {start.getLine() + 1, start.getColumn() + 1};
    if (end == null) {
      return fallback;
    }
    String value = node.getValue();
    int at = Math.max(0, Math.min(offset, value.length()));
    int lineStart = value.lastIndexOf('\n', at - 1) + 1;
    int lineEnd = value.indexOf('\n', at);
    String needle = value.substring(lineStart, lineEnd < 0 ? value.length() : lineEnd);
    if (needle.isEmpty()) {
      return fallback;
    }
    int occurrence = occurrencesBefore(value, needle, lineStart);
    int from = index(start);
    int to = Math.min(text.length(), index(end));
    int found = nth(text.substring(from, to), needle, occurrence);
    if (found < 0) {
      return fallback;
    }
    return position(from + found + (at - lineStart));
  }

  private int index(Mark mark) {
    int line = Math.min(mark.getLine(), lineStarts.size() - 1);
    return Math.min(text.length(), lineStarts.get(line) + mark.getColumn());
  }

  private int[] position(int index) {
    int line = 0;
    while (line + 1 < lineStarts.size() && lineStarts.get(line + 1) <= index) {
      line++;
    }
    return new int[] {line + 1, index - lineStarts.get(line) + 1};
  }

  private static int occurrencesBefore(String haystack, String needle, int limit) {
    int count = 0;
    for (int i = haystack.indexOf(needle);
        i >= 0 && i < limit;
        i = haystack.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }

  private static int nth(String haystack, String needle, int n) {
    int i = haystack.indexOf(needle);
    for (int k = 0; k < n && i >= 0; k++) {
      i = haystack.indexOf(needle, i + 1);
    }
    return i;
  }
}
