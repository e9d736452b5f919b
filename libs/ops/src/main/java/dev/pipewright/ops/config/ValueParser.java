package dev.pipewright.ops.config;

import java.util.Map;
import java.util.function.Function;

/**
 * Turns the text of one setting into its value. A bad value throws {@link IllegalArgumentException}
 * whose message reads after the setting's name, e.g. {@code expected a port 0-65535, got 'abc'};
 * the loader prefixes where the text came from.
 *
 * @param <T> the value type
 */
interface ValueParser<T> {
  T parse(String text);

  /** The canonical text of a value; parsing it gives the value back. */
  String format(T value);

  /** Settings that also accept a YAML mapping (e.g. runs-on label → image) override this. */
  default T parseMapping(Map<String, String> entries) {
    throw new IllegalArgumentException("expected a single value, got a mapping");
  }

  static <T> ValueParser<T> of(Function<String, T> parse, Function<T, String> format) {
    return new ValueParser<>() {
      @Override
      public T parse(String text) {
        return parse.apply(text);
      }

      @Override
      public String format(T value) {
        return format.apply(value);
      }
    };
  }
}
