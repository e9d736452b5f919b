package dev.pipewright.parser.spec;

import java.util.List;
import java.util.Map;

/**
 * {@code strategy.matrix}. Axis values are YAML scalars, lists or maps (as Java String, Long,
 * Double, Boolean, List, Map). When the matrix or one of its axes is a {@code ${{ }}} expression,
 * the instances are only known at run time and {@code expression} holds it (the first one, when
 * several axes are expressions); such an axis keeps its expression text as its only value.
 */
public record MatrixSpec(
    Map<String, List<Object>> axes,
    List<Map<String, Object>> include,
    List<Map<String, Object>> exclude,
    String expression) {

  public boolean dynamic() {
    return expression != null;
  }
}
