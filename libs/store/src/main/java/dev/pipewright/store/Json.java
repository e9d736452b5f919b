package dev.pipewright.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipewright.models.SubStep;
import java.util.List;
import java.util.Map;
import org.jooq.JSONB;

/** The jsonb columns' codec. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> OBJECTS = new TypeReference<>() {};
  private static final TypeReference<Map<String, Variable>> VARIABLES = new TypeReference<>() {};
  private static final TypeReference<List<StepAnnotation>> ANNOTATIONS = new TypeReference<>() {};
  private static final TypeReference<List<SubStep>> SUB_STEPS = new TypeReference<>() {};

  private Json() {}

  static JSONB write(Object value) {
    try {
      return JSONB.valueOf(MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot store as JSON: " + e.getMessage(), e);
    }
  }

  static Map<String, String> strings(JSONB json) {
    return json == null ? Map.of() : read(json, STRINGS);
  }

  /** A job's matrix values: strings, numbers, booleans, lists and maps, as YAML gave them. */
  static Map<String, Object> objects(JSONB json) {
    return json == null ? null : read(json, OBJECTS);
  }

  static Map<String, Variable> variables(JSONB json) {
    return json == null ? Map.of() : read(json, VARIABLES);
  }

  static List<StepAnnotation> annotations(JSONB json) {
    return json == null ? List.of() : read(json, ANNOTATIONS);
  }

  static List<SubStep> subSteps(JSONB json) {
    return json == null ? List.of() : read(json, SUB_STEPS);
  }

  private static <T> T read(JSONB json, TypeReference<T> type) {
    try {
      return MAPPER.readValue(json.data(), type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON does not parse: " + e.getMessage(), e);
    }
  }
}
