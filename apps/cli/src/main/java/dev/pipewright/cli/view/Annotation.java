package dev.pipewright.cli.view;

/**
 * A step's {@code ::error}, {@code ::warning} or {@code ::notice} annotation as shown.
 *
 * @param level {@code error}, {@code warning} or {@code notice}
 * @param file null when the command named none, as may be every position and {@code title}
 */
public record Annotation(
    String level,
    String message,
    String file,
    Integer line,
    Integer column,
    Integer endLine,
    Integer endColumn,
    String title) {

  /**
   * {@code error src/app.js:10:3: Title: message}, the way compilers and GitHub's summary place
   * them; the message's first line only (the rest is in the step's log).
   */
  public String format() {
    StringBuilder s = new StringBuilder(level);
    if (file != null) {
      s.append(' ').append(file);
      if (line != null) {
        s.append(':').append(line);
        if (column != null) {
          s.append(':').append(column);
        }
      }
      s.append(':');
    }
    if (title != null) {
      s.append(' ').append(title).append(':');
    }
    String first = message.lines().findFirst().orElse("");
    return s.append(' ').append(first).toString();
  }
}
