package dev.pipewright.cli;

import dev.pipewright.ops.config.ConfigException;
import dev.pipewright.ops.config.ConfigLoader;
import dev.pipewright.ops.config.PipewrightConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --config FILE} and {@code --check-config} of the commands that run services: the one
 * configuration of libs/ops (defaults &lt; YAML file &lt; {@code PIPEWRIGHT_*} variables).
 */
final class ConfigOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "YAML configuration (default: $PIPEWRIGHT_CONFIG); PIPEWRIGHT_* variables override it."
              + " Keys and defaults: libs/ops/CONFIGURATION.md.")
  Path file;

  @Option(
      names = "--check-config",
      description =
          "Validate the configuration, print it (secrets masked) on standard output and exit.")
  boolean check;

  /**
   * @throws ConfigException listing every problem of the file and the variables
   */
  PipewrightConfig load() {
    Map<String, String> env = Main.environment(mixee);
    Optional<Path> source =
        file != null ? Optional.of(file) : ConfigLoader.configFile(new String[0], env);
    return ConfigLoader.load(source, env);
  }

  /**
   * These options, each one not given here taken from {@code outer}: {@code serve --config F api}
   * means the same as {@code serve api --config F}.
   */
  ConfigOptions orElse(ConfigOptions outer) {
    ConfigOptions merged = new ConfigOptions();
    merged.mixee = mixee;
    merged.file = file != null ? file : outer.file;
    merged.check = check || outer.check;
    return merged;
  }

  Map<String, String> environment() {
    return Main.environment(mixee);
  }

  /** One line per problem, then the usage exit code: nothing was started. */
  static int reject(ConfigException e, PrintWriter err) {
    e.problems().forEach(problem -> err.println("pipewright: invalid configuration: " + problem));
    err.flush();
    return ExitCodes.USAGE;
  }
}
