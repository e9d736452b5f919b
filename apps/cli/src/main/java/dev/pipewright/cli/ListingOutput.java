package dev.pipewright.cli;

import picocli.CommandLine.Option;

/** {@code --output} of the commands that show builds at rest ({@code list}, {@code status}). */
final class ListingOutput extends ColorOptions {
  enum Format {
    text,
    wide,
    name,
    json,
    yaml
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description =
          "text (default; times relative to now), wide (more columns, exact times), name (build"
              + " ids only), json or yaml (stable field names for scripts).")
  Format format = Format.text;
}
