package dev.pipewright.executor.program;

import dev.pipewright.executor.Annotation;
import dev.pipewright.executor.SecretMasker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Interprets the {@code ::command key=value,...::data} lines of one step's output, the way the
 * GitHub runner does, and turns each into the line to keep in the log. Not thread-safe: one per
 * step, fed by the step's reader.
 *
 * <ul>
 *   <li>{@code ::add-mask::v} registers {@code v} with the masker before the line is logged, and
 *       logs {@code ::add-mask::***}.
 *   <li>{@code ::group::t} / {@code ::endgroup::} → {@code ##[group]t} / {@code ##[endgroup]}.
 *   <li>{@code ::error}, {@code ::warning}, {@code ::notice} → {@code ##[error]msg}... and an
 *       {@link Annotation} (file, line, title properties kept); {@code ::debug::m} → {@code
 *       ##[debug]m}.
 *   <li>{@code ::set-output name=n::v} (deprecated) still sets output {@code n}, as GitHub still
 *       honours it with a warning.
 *   <li>{@code ::stop-commands::token} ignores commands until a {@code ::token::} line.
 * </ul>
 */
public final class WorkflowCommands {
  /** A step annotation list is for people; thousands would only bloat the step row. */
  static final int MAX_ANNOTATIONS = 50;

  private final SecretMasker masker;
  private final List<Annotation> annotations = new ArrayList<>();
  private final Map<String, String> outputs = new LinkedHashMap<>();
  private String stopToken;

  public WorkflowCommands(SecretMasker masker) {
    this.masker = masker;
  }

  /** The line to log for an output line (masking still to be applied by the log stream). */
  public String process(String line) {
    String trimmed = line.stripLeading();
    if (!trimmed.startsWith("::")) {
      return line;
    }
    int end = trimmed.indexOf("::", 2);
    if (end < 0) {
      return line;
    }
    String head = trimmed.substring(2, end);
    String data = trimmed.substring(end + 2);
    int space = head.indexOf(' ');
    String command = space < 0 ? head : head.substring(0, space);
    String props = space < 0 ? "" : head.substring(space + 1);
    if (stopToken != null) {
      if (command.equals(stopToken) && props.isEmpty()) {
        stopToken = null;
      }
      return line;
    }
    return switch (command) {
      case "add-mask" -> {
        masker.add(unescapeData(data));
        yield "::add-mask::" + SecretMasker.MASK;
      }
      case "group" -> "##[group]" + unescapeData(data);
      case "endgroup" -> "##[endgroup]";
      case "debug" -> "##[debug]" + unescapeData(data);
      case "error", "warning", "notice" -> annotate(command, props, unescapeData(data));
      case "set-output" -> {
        String name = properties(props).get("name");
        if (name != null && !name.isEmpty()) {
          outputs.put(name, unescapeData(data));
        }
        yield "##[warning]The `set-output` command is deprecated; write to $GITHUB_OUTPUT instead";
      }
      case "stop-commands" -> {
        stopToken = data.isEmpty() ? null : data;
        yield line;
      }
      default -> line;
    };
  }

  private String annotate(String command, String props, String message) {
    if (annotations.size() < MAX_ANNOTATIONS) {
      Map<String, String> p = properties(props);
      Integer lineNo = null;
      try {
        lineNo = p.containsKey("line") ? Integer.valueOf(p.get("line").strip()) : null;
      } catch (NumberFormatException ignored) {
        // GitHub drops a malformed line property too; the annotation itself stays.
      }
      String title = p.get("title");
      annotations.add(
          new Annotation(
              Annotation.Level.valueOf(command.toUpperCase(java.util.Locale.ROOT)),
              masker.mask(message),
              p.get("file"),
              lineNo,
              title == null ? null : masker.mask(title)));
    }
    return "##[" + command + "]" + message;
  }

  /** Annotations seen so far (messages masked), at most {@value #MAX_ANNOTATIONS}. */
  public List<Annotation> annotations() {
    return List.copyOf(annotations);
  }

  /** Outputs set with the deprecated {@code ::set-output}. */
  public Map<String, String> legacyOutputs() {
    return Map.copyOf(outputs);
  }

  static Map<String, String> properties(String props) {
    Map<String, String> result = new LinkedHashMap<>();
    if (props.isBlank()) {
      return result;
    }
    for (String pair : props.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        result.put(pair.substring(0, eq).strip(), unescapeProperty(pair.substring(eq + 1)));
      }
    }
    return result;
  }

  static String unescapeData(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%");
  }

  static String unescapeProperty(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    return s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%");
  }
}
