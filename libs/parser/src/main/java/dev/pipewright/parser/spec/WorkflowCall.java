package dev.pipewright.parser.spec;

import java.util.Map;

/**
 * {@code on: workflow_call}: what a reusable workflow takes and gives, as GitHub's workflow syntax
 * defines it ({@code on.workflow_call.inputs}, {@code .secrets}, {@code .outputs}).
 *
 * @param inputs by id, in source order
 * @param secrets by id, in source order
 * @param outputs by id, in source order
 * @param pos where {@code workflow_call} is written
 */
public record WorkflowCall(
    Map<String, Input> inputs,
    Map<String, Secret> secrets,
    Map<String, Output> outputs,
    SourcePos pos) {

  public WorkflowCall {
    inputs = ordered(inputs);
    secrets = ordered(secrets);
    outputs = ordered(outputs);
  }

  private static <V> Map<String, V> ordered(Map<String, V> map) {
    return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
  }

  /** The three types GitHub allows for a {@code workflow_call} input. */
  public enum Type {
    BOOLEAN,
    NUMBER,
    STRING;

    /**
     * The value as this type, or null when it is not one. GitHub refuses a boolean input given a
     * string and a number input given a non-number; a string input takes any scalar as its text.
     */
    public Object coerce(Object value) {
      return switch (this) {
        case BOOLEAN -> value instanceof Boolean ? value : null;
        case NUMBER -> value instanceof Number ? value : null;
        case STRING ->
            value instanceof String
                ? value
                : value instanceof Boolean || value instanceof Number
                    ? String.valueOf(value)
                    : null;
      };
    }

    /** The value of an optional input given no value and no default (GitHub's docs). */
    public Object zero() {
      return switch (this) {
        case BOOLEAN -> false;
        case NUMBER -> 0;
        case STRING -> "";
      };
    }

    /** As written in YAML. */
    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * @param defaultValue as written (a boolean, a number, a string or an expression string), or null
   *     when absent
   */
  public record Input(String id, Type type, boolean required, Object defaultValue, SourcePos pos) {

    /**
     * Why {@code value} cannot be this input's value, or null when it can (see {@link
     * Type#coerce}).
     */
    public String refuses(Object value) {
      if (type.coerce(value) != null) {
        return null;
      }
      return "input '" + id + "' is a " + type.text() + ", not " + describe(value);
    }
  }

  /** "the string 'yes'", "the number 3", "the boolean true", "null". */
  public static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return "the string '" + s + "'";
    }
    if (value instanceof Boolean || value instanceof Number) {
      return (value instanceof Boolean ? "the boolean " : "the number ") + value;
    }
    return value instanceof Map<?, ?> ? "an object" : "an array";
  }

  public record Secret(String id, boolean required, SourcePos pos) {}

  /**
   * @param value the {@code value:} text, an expression reading {@code jobs.<id>.outputs.*}
   */
  public record Output(String id, String value, SourcePos pos) {}
}
