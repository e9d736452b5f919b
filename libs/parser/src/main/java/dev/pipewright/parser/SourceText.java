package dev.pipewright.parser;

import java.util.Arrays;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Maps an offset inside a scalar's value back to a line and column of the file. The value and its
 * source differ (quotes, indentation of block scalars, folding), so the line of the value around
 * the offset is looked up verbatim in the scalar's source span.
 */
final class SourceText {
  private final String text;
  // Built on the first lookup: most parses have no expression error and never need it.
  private int[] lineStarts;

  SourceText(String text) {
    this.text = text;
  }

  private int[] lineStarts() {
    if (lineStarts == null) {
      int count = 1;
      for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        count++;
      }
      int[] starts = new int[count];
      int line = 1;
      for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        starts[line++] = i + 1;
      }
      lineStarts = starts;
    }
    return lineStarts;
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
    int from = index(start);
    int to = Math.min(text.length(), index(end));
    String span = text.substring(from, to);
    // The value's line is found verbatim in plain and block scalars; the ${{ }} around the offset
    // also in quoted scalars with escapes elsewhere and in folded ones.
    int lineStart = value.lastIndexOf('\n', at - 1) + 1;
    int lineEnd = value.indexOf('\n', at);
    int found = find(span, value, lineStart, lineEnd < 0 ? value.length() : lineEnd);
    if (found >= 0) {
      return position(from + found + (at - lineStart));
    }
    int exprStart = value.lastIndexOf("${{", at);
    if (exprStart >= 0) {
      int close = value.indexOf("}}", at);
      int exprEnd = close < 0 ? Math.max(at, exprStart + 3) : close + 2;
      found = find(span, value, exprStart, Math.min(exprEnd, value.length()));
      if (found >= 0) {
        return position(from + found + (at - exprStart));
      }
    }
    return fallback;
  }

  /** Where {@code value[begin, end)} occurs in {@code span}, counting earlier repeats; or -1. */
  private static int find(String span, String value, int begin, int end) {
    String needle = value.substring(begin, end);
    if (needle.isEmpty() || needle.indexOf('\n') >= 0) {
      return -1;
    }
    return nth(span, needle, occurrencesBefore(value, needle, begin));
  }

  private int index(Mark mark) {
    int[] starts = lineStarts();
    int line = Math.min(mark.getLine(), starts.length - 1);
    return Math.min(text.length(), starts[line] + mark.getColumn());
  }

  private int[] position(int index) {
    int[] starts = lineStarts();
    int found = Arrays.binarySearch(starts, index);
    // Not found: -(insertion point) - 1, and the line is the one before the insertion point.
    int line = found >= 0 ? found : -found - 2;
    return new int[] {line + 1, index - starts[line] + 1};
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
