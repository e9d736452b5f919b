package dev.pipewright.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * The machine-readable forms of the CLI's results (maps, lists, strings, numbers): indented JSON,
 * one-line JSON (a stream of objects, one per line) and YAML with the same fields.
 */
final class Documents {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper JSON_LINE = new ObjectMapper();

  private Documents() {}

  static String json(Object value) {
    return write(JSON, value);
  }

  /** On one line, for streams of objects ({@code logs -o json}). */
  static String jsonLine(Object value) {
    return write(JSON_LINE, value);
  }

  static String yaml(Object value) {
    // Made per call: a Dump is not thread-safe, and a command prints one document.
    return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build())
        .dumpToString(value);
  }

  private static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
