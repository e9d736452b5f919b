package dev.pipewright.executor.program;

import dev.pipewright.executor.Annotation;
import dev.pipewright.executor.SecretMasker;
import java.util.ArrayList;
import java.util.EnumMap;
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
 *       {@link Annotation} (file, positions and title kept); {@code ::debug::m} → {@code
 *       ##[debug]m} with step debug logging on, nothing otherwise.
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
  /** Annotations of one level a step keeps: the runner's _maxIssueCount (ExecutionContext.cs). */
  static final int MAX_ANNOTATIONS = 100;

  /** The runner's _maxIssueMessageLength: a longer message is cut. */
  static final int MAX_MESSAGE = 4096;

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
   * @param workspace {@code GITHUB_WORKSPACE} as the step sees it, which annotation files are made
   *     relative to; null leaves them as given
   */
  public record Options(boolean debug, boolean allowUnsecure, String workspace) {
    public static final Options DEFAULT = new Options(false, false, null);
  }

  private final SecretMasker masker;
  private final Options options;
  private final List<Annotation> annotations = new ArrayList<>();
  private final Map<Annotation.Level, Integer> counts = new EnumMap<>(Annotation.Level.class);
  private final Map<String, String> outputs = new LinkedHashMap<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Map<String, String> state = new LinkedHashMap<>();
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
        // SaveStateCommandExtension: kept for the later stages of the same action (STATE_*).
        state.put(required(p, "name", command), data);
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

  /**
   * Keeps an annotation as the runner does: at most {@value #MAX_ANNOTATIONS} of each level per
   * step and a message cut at {@value #MAX_MESSAGE} characters (ExecutionContext.cs AddIssue:
   * _maxIssueCount, _maxIssueMessageLength), none for a blank message (IssueExtensions.cs
   * ToAnnotation), a file under the workspace made relative to it (IssueCommandExtension), and an
   * end line and column that default to the start's. The log line is written whatever is kept.
   */
  private String annotate(String command, Map<String, String> p, String message) {
    Annotation.Level level = Annotation.Level.valueOf(command.toUpperCase(Locale.ROOT));
    int seen = counts.merge(level, 1, Integer::sum);
    if (seen <= MAX_ANNOTATIONS && !message.isBlank()) {
      Integer line = number(p, "line");
      Integer column = number(p, "col");
      Integer endLine = number(p, "endLine");
      Integer endColumn = number(p, "endColumn");
      String masked = masker.mask(message);
      String title = p.get("title");
      annotations.add(
          new Annotation(
              level,
              masked.length() > MAX_MESSAGE ? masked.substring(0, MAX_MESSAGE) : masked,
              relative(p.get("file")),
              line,
              column,
              endLine != null ? endLine : line,
              endColumn != null ? endColumn : column,
              title == null ? null : masker.mask(title)));
    }
    return "##[" + command + "]" + message;
  }

  /** A number property; GitHub drops a malformed one too, and the annotation stays. */
  private static Integer number(Map<String, String> p, String name) {
    String v = p.get(name);
    if (v == null) {
      return null;
    }
    try {
      return Integer.valueOf(v.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code file} relative to the workspace when it is under it (IOUtil.MakeRelative). */
  private String relative(String file) {
    String workspace = options.workspace();
    if (file == null || workspace == null || workspace.isEmpty()) {
      return file;
    }
    String prefix = workspace.endsWith("/") ? workspace : workspace + "/";
    return file.startsWith(prefix) && file.length() > prefix.length()
        ? file.substring(prefix.length())
        : file;
  }

  /** Annotations kept so far (messages masked), at most {@value #MAX_ANNOTATIONS} of each level. */
  public List<Annotation> annotations() {
    return List.copyOf(annotations);
  }

  /** Outputs set with the deprecated {@code ::set-output}. */
  public Map<String, String> legacyOutputs() {
    return Map.copyOf(outputs);
  }

  /** State saved with the deprecated {@code ::save-state}, for the action's later stages. */
  public Map<String, String> legacyState() {
    return Map.copyOf(state);
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
