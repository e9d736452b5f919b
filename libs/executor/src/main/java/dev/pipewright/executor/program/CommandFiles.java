package dev.pipewright.executor.program;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a step writes to talk to the runner: {@code $GITHUB_ENV} and {@code $GITHUB_OUTPUT}
 * ({@code NAME=value} lines and {@code NAME<<DELIMITER} heredocs) and {@code $GITHUB_PATH} (one
 * directory a line). Parsing follows the GitHub runner: the first of {@code =} and {@code <<}
 * decides the form, blank lines are ignored, a heredoc's lines are joined with {@code \n}.
 */
public final class CommandFiles {
  private CommandFiles() {}

  /** A file that does not follow the format; the step fails with it, as on GitHub. */
  public static final class FormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
      super(message);
    }
  }

  /**
   * Name → value, later assignments of a name overriding earlier ones.
   *
   * @param fileLabel used in error messages ({@code GITHUB_ENV})
   * @throws FormatException on a line that is neither form, an empty name, or a heredoc without its
   *     closing delimiter
   */
  public static Map<String, String> parseKeyValues(String content, String fileLabel) {
    Map<String, String> result = new LinkedHashMap<>();
    List<String> lines = content.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty()) {
        continue;
      }
      int equals = line.indexOf('=');
      int heredoc = line.indexOf("<<");
      if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
        String name = line.substring(0, equals);
        requireName(name, line, fileLabel);
        result.put(name, line.substring(equals + 1));
      } else if (heredoc >= 0) {
        String name = line.substring(0, heredoc);
        String delimiter = line.substring(heredoc + 2);
        requireName(name, line, fileLabel);
        if (delimiter.isEmpty()) {
          throw new FormatException(
              "Invalid format '" + line + "' in " + fileLabel + ": empty heredoc delimiter");
        }
        StringBuilder value = new StringBuilder();
        int j = i + 1;
        boolean first = true;
        while (j < lines.size() && !lines.get(j).equals(delimiter)) {
          if (!first) {
            value.append('\n');
          }
          value.append(lines.get(j));
          first = false;
          j++;
        }
        if (j >= lines.size()) {
          throw new FormatException(
              "Matching delimiter not found '" + delimiter + "' in " + fileLabel);
        }
        result.put(name, value.toString());
        i = j;
      } else {
        throw new FormatException("Invalid format '" + line + "' in " + fileLabel);
      }
    }
    return result;
  }

  private static void requireName(String name, String line, String fileLabel) {
    if (name.isEmpty()) {
      throw new FormatException("Invalid format '" + line + "' in " + fileLabel + ": empty name");
    }
  }

  /** The directories of a {@code $GITHUB_PATH} file, in file order, blank lines dropped. */
  public static List<String> parsePath(String content) {
    List<String> dirs = new ArrayList<>();
    content.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(dirs::add);
    return dirs;
  }
}
