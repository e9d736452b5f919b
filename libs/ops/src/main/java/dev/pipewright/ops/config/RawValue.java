package dev.pipewright.ops.config;

import java.util.Map;

/**
 * The unparsed value of one setting and where it came from.
 *
 * @param text the scalar, or null when the YAML value was a mapping
 * @param mapping the YAML mapping of a pairs-valued setting, else null
 * @param origin prefixed to errors: {@code PIPEWRIGHT_GRPC_PORT} or {@code config.yaml:3:5:
 *     grpc.port}
 */
record RawValue(String text, Map<String, String> mapping, String origin) {
  static RawValue scalar(String text, String origin) {
    return new RawValue(text, null, origin);
  }

  <T> T parse(ValueParser<T> parser) {
    return mapping != null ? parser.parseMapping(mapping) : parser.parse(text);
  }
}
