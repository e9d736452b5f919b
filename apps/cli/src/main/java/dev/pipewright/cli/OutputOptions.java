package dev.pipewright.cli;

import picocli.CommandLine.Option;

/** {@code --output text|json} and {@code --no-color}. */
final class OutputOptions extends ColorOptions {
  enum Format {
    text,
    json
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "text (default) or json: stable field names for scripts.")
  Format format = Format.text;

  boolean json() {
    return format == Format.json;
  }
}
