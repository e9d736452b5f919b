package dev.pipewright.executor.program;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * How a {@code run:} script is executed: GitHub's {@code shell:} keywords on Linux, or a custom
 * command template in which {@code {0}} is the script file.
 *
 * @param argv the command template, {@code {0}} not yet replaced
 * @param extension of the script file ({@code .sh}, {@code .py}, {@code .ps1}, or empty)
 */
public record ShellCommand(List<String> argv, String extension) {

  public ShellCommand {
    argv = List.copyOf(argv);
  }

  /**
   * Resolves {@code shell:} (null when unset at step and {@code defaults.run} level).
   *
   * @param available whether an executable name is found on the step's PATH
   * @throws CiException INVALID_SPEC for a template without {@code {0}} or a Windows-only shell
   */
  public static ShellCommand resolve(String shell, Predicate<String> available) {
    if (shell == null || shell.isBlank()) {
      // GitHub's unspecified shell is bash without pipefail; images without bash get sh.
      return available.test("bash")
          ? new ShellCommand(List.of("bash", "-e", "{0}"), ".sh")
          : new ShellCommand(List.of("sh", "-e", "{0}"), ".sh");
    }
    return switch (shell.strip()) {
      case "bash" ->
          new ShellCommand(
              List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"), ".sh");
      case "sh" -> new ShellCommand(List.of("sh", "-e", "{0}"), ".sh");
      case "python" ->
          new ShellCommand(List.of(available.test("python3") ? "python3" : "python", "{0}"), ".py");
      case "pwsh", "powershell" -> new ShellCommand(List.of("pwsh", "-command", ". '{0}'"), ".ps1");
      case "cmd" ->
          throw new CiException(ErrorCode.INVALID_SPEC, "shell: cmd is only available on Windows");
      default -> custom(shell.strip());
    };
  }

  private static ShellCommand custom(String template) {
    if (!template.contains("{0}")) {
      throw new CiException(
          ErrorCode.INVALID_SPEC,
          "shell: '" + template + "' must contain {0}, the path of the script file");
    }
    return new ShellCommand(tokenize(template), "");
  }

  /** The executable's name (or path) to look up. */
  public String executable() {
    return argv.getFirst();
  }

  /** The command line with {@code {0}} replaced by the script path. */
  public List<String> argvFor(String scriptPath) {
    List<String> out = new ArrayList<>(argv.size());
    for (String arg : argv) {
      out.add(arg.replace("{0}", scriptPath));
    }
    return out;
  }

  /** Splits on blanks, keeping single- or double-quoted runs together (quotes removed). */
  static List<String> tokenize(String template) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inToken = false;
    char quote = 0;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          current.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inToken = true;
      } else if (Character.isWhitespace(c)) {
        if (inToken) {
          tokens.add(current.toString());
          current.setLength(0);
          inToken = false;
        }
      } else {
        current.append(c);
        inToken = true;
      }
    }
    if (quote != 0) {
      throw new CiException(
          ErrorCode.INVALID_SPEC, "shell: unbalanced quote in '" + template + "'");
    }
    if (inToken) {
      tokens.add(current.toString());
    }
    return tokens;
  }
}
