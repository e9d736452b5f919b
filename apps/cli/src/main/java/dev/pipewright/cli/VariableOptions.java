package dev.pipewright.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --var K=V} and {@code --secret K=V} (or {@code --secret K}: the value of $K). */
final class VariableOptions {
  @Option(
      names = "--var",
      paramLabel = "NAME=VALUE",
      description = "A variable, visible as vars.NAME (repeatable).")
  List<String> vars = List.of();

  @Option(
      names = "--secret",
      paramLabel = "NAME[=VALUE]",
      description =
          "A secret, visible as secrets.NAME and masked in logs (repeatable). Without =VALUE the"
              + " value is read from the environment variable NAME, keeping it out of ps.")
  List<String> secrets = List.of();

  Map<String, String> vars() {
    return parse("--var", vars, Map.of());
  }

  Map<String, String> secrets(Map<String, String> env) {
    return parse("--secret", secrets, env);
  }

  /**
   * @throws IllegalArgumentException with a message fit to print
   */
  static Map<String, String> parse(String option, List<String> values, Map<String, String> env) {
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String value : values) {
      int eq = value.indexOf('=');
      String name = eq < 0 ? value : value.substring(0, eq);
      if (name.isBlank()) {
        throw new IllegalArgumentException(option + " " + value + ": expected NAME=VALUE");
      }
      if (eq >= 0) {
        parsed.put(name, value.substring(eq + 1));
      } else if (env.containsKey(name)) {
        parsed.put(name, env.get(name));
      } else {
        throw new IllegalArgumentException(
            option
                + " "
                + value
                + ": expected NAME=VALUE"
                + (env.isEmpty() ? "" : " or a set $" + name));
      }
    }
    return parsed;
  }
}
