package dev.pipewright.store;

/**
 * Log text as PostgreSQL's {@code text} can hold it. It refuses NUL ("invalid byte sequence for
 * encoding UTF8: 0x00"), and a refused chunk would lose every line in it: NUL is stored as ␀
 * (U+2400, the symbol for null), visible and one character as the original. An unpaired surrogate,
 * which the driver would silently turn into {@code ?}, is stored as U+FFFD like the invalid UTF-8 a
 * step's decoder already replaced. Everything else, control characters and ANSI colours included,
 * is kept.
 */
final class LogText {
  static final char NUL_SYMBOL = '\u2400';
  static final char REPLACEMENT = '\uFFFD';

  private LogText() {}

  /** {@code content} itself when it is storable as is, which is nearly always. */
  static String storable(String content) {
    int n = content.length();
    int first = 0;
    while (first < n && storableAt(content, first)) {
      first += Character.isHighSurrogate(content.charAt(first)) ? 2 : 1;
    }
    if (first >= n) {
      return content;
    }
    StringBuilder out = new StringBuilder(n).append(content, 0, first);
    for (int i = first; i < n; i++) {
      char c = content.charAt(i);
      if (c == 0) {
        out.append(NUL_SYMBOL);
      } else if (Character.isHighSurrogate(c) && storableAt(content, i)) {
        out.append(c).append(content.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append(REPLACEMENT);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Whether the character at {@code i} (with its low surrogate, for a high one) is storable. */
  private static boolean storableAt(String s, int i) {
    char c = s.charAt(i);
    if (c == 0 || Character.isLowSurrogate(c)) {
      return false;
    }
    return !Character.isHighSurrogate(c)
        || i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
  }
}
