package dev.pipewright.ops.config;

import java.util.function.Supplier;

/**
 * One configuration key: its YAML path, its environment variable, its type and its default.
 *
 * @param path dotted YAML path, e.g. {@code database.url}
 * @param env the variable that overrides the file, e.g. {@code PIPEWRIGHT_DATABASE_URL}
 * @param defaultText the default as text (parsed like any other source); a supplier because some
 *     defaults depend on the machine (host name, temporary directory)
 * @param documentedDefault how CONFIGURATION.md shows the default
 * @param secret never printed (passwords)
 * @param <T> the value type
 */
record Setting<T>(
    String path,
    String env,
    ValueParser<T> parser,
    Supplier<String> defaultText,
    String documentedDefault,
    String description,
    boolean secret) {

  static <T> Setting<T> of(
      String path, String env, ValueParser<T> parser, String defaultText, String description) {
    return new Setting<>(path, env, parser, () -> defaultText, defaultText, description, false);
  }

  Setting<T> asSecret() {
    return new Setting<>(path, env, parser, defaultText, documentedDefault, description, true);
  }

  /** A default computed at load time, documented as {@code documented}. */
  static <T> Setting<T> computed(
      String path,
      String env,
      ValueParser<T> parser,
      Supplier<String> defaultText,
      String documented,
      String description) {
    return new Setting<>(path, env, parser, defaultText, documented, description, false);
  }
}
