package dev.pipewright.executor.program;

import dev.pipewright.executor.Annotation;
import dev.pipewright.executor.SecretMasker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Interprets the {@code ::command key=value,...::data} lines of one step's output the way the
 * GitHub runner does ({@code src/Runner.Worker/ActionCommandManager.cs}), and turns each into what
 * to keep in the log. Not thread-safe: one per step, fed by the step's reader.
 *
 * <ul>
 *   <li>{@code ::add-mask::v} registers {@code v} (and each of its lines) with the masker; the line
 *       itself is not logged ({@code ::add-mask::***} with {@code ::echo::on}).
 *   <li>{@code ::group::t} / {@code ::endgroup::} → {@code ##[group]t} / {@code ##[endgroup]}.
 *   <li>{@code ::error}, {@code ::warning}, {@code ::notice} → {@code ##[error]msg}... and an
 *       {@link Annotation} (file, line, title kept); {@code ::debug::m} → {@code ##[debug]m} with
 *       step debug logging on, nothing otherwise.
 *   <li>{@code ::set-output name=n::v} and {@code ::save-state} (deprecated) still work, with a
 *       warning; {@code ::set-env} and {@code ::add-path} are disabled unless the step's env has
 *       {@code ACTIONS_ALLOW_UNSECURE_COMMANDS=true}.
 *   <li>{@code ::stop-commands::token} ignores commands until a {@code ::token::} line; {@code
 *       ::echo::on|off} echoes processed commands.
 *   <li>A command that cannot be processed logs {@code Unable to process command '...'
 *       successfully.} and fails the step ({@link #failure()}).
 * </ul>
 */
public final class WorkflowCommands {
  /** A step annotation list is for people; thousands would only bloat the step row. */
  static final int MAX_ANNOTATIONS = 50;

  private static final Set<String> COMMANDS =
      Set.of(
          "add-mask",
          "group",
          "endgroup",
          "debug",
          "error",
          "warning",
          "notice",
          "set-output",
          "save-state",
          "set-env",
          "add-path",
          "add-matcher",
          "remove-matcher",
          "echo",
          "stop-commands");

  /** Commands whose line is echoed under {@code ::echo::on} (OmitEcho false in the runner). */
  private static final Set<String> ECHOED =
      Set.of("set-output", "save-state", "set-env", "add-path", "add-matcher", "remove-matcher");

  private static final String DISABLED =
      "The `%s` command is disabled. Please upgrade to using Environment Files or opt into"
          + " unsecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS`"
          + " environment variable to `true`.";

  private static final String BAD_STOP_TOKEN =
      "You cannot use a endToken that is an empty string, the string 'pause-logging', or another"
          + " workflow command.";

  /**
   * What a step may do beyond the documented commands.
   *
   * @param debug step debug logging ({@code ACTIONS_STEP_DEBUG}): {@code ::debug::} is shown and
   *     commands are echoed
   * @param allowUnsecure {@code ACTIONS_ALLOW_UNSECURE_COMMANDS=true}: {@code ::set-env} and {@code
   *     ::add-path} work
   */
  public record Options(boolean debug, boolean allowUnsecure) {
    public static final Options DEFAULT = new Options(false, false);
  }

  private final SecretMasker masker;
  private final Options options;
  private final List<Annotation> annotations = new ArrayList<>();
  private final Map<String, String> outputs = new LinkedHashMap<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> path = new ArrayList<>();
  private boolean echo;
  private String stopToken;
  private String failure;

  public WorkflowCommands(SecretMasker masker, Options options) {
    this.masker = masker;
    this.options = options;
    this.echo = options.debug();
  }

  /**
   * The text to log for an output line (masking still to be applied by the log stream), or null
   * when nothing is logged for it. The text may span lines.
   */
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
      if (command.equals(stopToken)) {
        stopToken = null;
      }
      return line;
    }
    if (!COMMANDS.contains(command)) {
      return line;
    }
    String echoed = echo && ECHOED.contains(command) ? line + "\n" : "";
    try {
      String text = run(command, properties(props), unescapeData(data), line);
      return text == null ? (echoed.isEmpty() ? null : line) : echoed + text;
    } catch (IllegalArgumentException e) {
      if (failure == null) {
        failure = e.getMessage();
      }
      String shown = ECHOED.contains(command) ? line : command;
      return echoed
          + "##[error]Unable to process command '"
          + shown
          + "' successfully.\n##[error]"
          + e.getMessage();
    }
  }

  private String run(String command, Map<String, String> p, String data, String line) {
    return switch (command) {
      case "add-mask" -> {
        if (data.isBlank()) {
          yield "##[warning]Can't add secret mask for empty string in ##[add-mask] command.";
        }
        masker.add(data);
        yield echo ? "::add-mask::" + SecretMasker.MASK : null;
      }
      case "group" -> "##[group]" + data;
      case "endgroup" -> "##[endgroup]";
      case "debug" -> options.debug() ? "##[debug]" + data : null;
      case "error", "warning", "notice" -> annotate(command, p, data);
      case "set-output" -> {
        outputs.put(required(p, "name", command), data);
        yield "##[warning]The `set-output` command is deprecated and will be disabled soon."
            + " Please upgrade to using Environment Files.";
      }
      case "save-state" -> {
        // Kept for the post step of an action; run steps have none (see EnvFiles).
        required(p, "name", command);
        yield "##[warning]The `save-state` command is deprecated and will be disabled soon."
            + " Please upgrade to using Environment Files.";
      }
      case "set-env" -> {
        requireUnsecure(command);
        env.put(required(p, "name", command), data);
        yield null;
      }
      case "add-path" -> {
        requireUnsecure(command);
        path.remove(data);
        path.addFirst(data);
        yield null;
      }
      case "add-matcher", "remove-matcher" ->
          "##[warning]Problem matchers are not supported by Pipewright; ignoring ::"
              + command
              + "::";
      case "echo" -> {
        switch (data.strip().toLowerCase(Locale.ROOT)) {
          case "on" -> echo = true;
          case "off" -> echo = false;
          default ->
              throw new IllegalArgumentException(
                  "Invalid echo command value. Possible values can be: 'on', 'off'. Current value"
                      + " is: '"
                      + data
                      + "'.");
        }
        yield null;
      }
      case "stop-commands" -> {
        if (data.isEmpty() || COMMANDS.contains(data) || data.equalsIgnoreCase("pause-logging")) {
          throw new IllegalArgumentException(BAD_STOP_TOKEN);
        }
        stopToken = data;
        if (data.length() > 6) {
          // The runner masks long tokens, so a log cannot be replayed to resume commands.
          masker.add(data);
        }
        yield line;
      }
      default -> line;
    };
  }

  private void requireUnsecure(String command) {
    if (!options.allowUnsecure()) {
      throw new IllegalArgumentException(String.format(DISABLED, command));
    }
  }

  private static String required(Map<String, String> p, String name, String command) {
    String v = p.get(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException(
          "Required field '" + name + "' is missing in ##[" + command + "] command.");
    }
    return v;
  }

  private String annotate(String command, Map<String, String> p, String message) {
    if (annotations.size() < MAX_ANNOTATIONS) {
      Integer lineNo = null;
      try {
        lineNo = p.containsKey("line") ? Integer.valueOf(p.get("line").strip()) : null;
      } catch (NumberFormatException ignored) {
        // GitHub drops a malformed line property too; the annotation itself stays.
      }
      String title = p.get("title");
      annotations.add(
          new Annotation(
              Annotation.Level.valueOf(command.toUpperCase(Locale.ROOT)),
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

  /** Variables set with {@code ::set-env} (when allowed), for the later steps. */
  public Map<String, String> legacyEnv() {
    return Map.copyOf(env);
  }

  /** Directories added with {@code ::add-path} (when allowed), latest first. */
  public List<String> legacyPath() {
    return List.copyOf(path);
  }

  /** The first command that could not be processed (the step fails with it), or null. */
  public String failure() {
    return failure;
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
