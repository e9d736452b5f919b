package dev.pipewright.expressions;

import static dev.pipewright.expressions.Eval.eval;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContextAccessTest {

  private static final Object FRUITS =
      Values.fromJson(
          """
          [
            { "name": "apple", "quantity": 1 },
            { "name": "orange", "quantity": 2 },
            { "name": "pear", "quantity": 1 }
          ]""");

  private static final Object VEGETABLES =
      Values.fromJson(
          """
          {
            "scallions": {
              "colors": ["green", "white", "red"],
              "ediblePortions": ["roots", "stalks"]
            },
            "beets": {
              "colors": ["purple", "red", "gold", "white", "pink"],
              "ediblePortions": ["roots", "stems", "leaves"]
            },
            "artichokes": {
              "colors": ["green", "purple", "red", "black"],
              "ediblePortions": ["hearts", "stems", "leaves"]
            }
          }""");

  private static final EvalContext CTX = context();

  private static EvalContext context() {
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("labels", List.of(Map.of("name", "bug"), Map.of("name", "help wanted")));
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("name", null);
    return EvalContext.builder()
        .context(
            "github",
            Map.of(
                "event_name",
                "push",
                "run_number",
                42,
                "event",
                Map.of(
                    "issue",
                    labels,
                    "issues",
                    List.of(labels, Map.of("labels", List.of(Map.of("name", "docs")))))))
        .context("matrix", Map.of("fruits", FRUITS, "vegetables", VEGETABLES))
        .context("steps", Map.of("my-step", Map.of("outputs", Map.of("result", "ok"))))
        .context("needs", Map.of("items", List.of(withNull, Map.of("name", "n"), "scalar")))
        .build();
  }

  @Test
  void propertyDereferenceAndIndexSyntaxAreEquivalent() {
    assertThat(eval("github.event_name", CTX)).isEqualTo("push");
    assertThat(eval("github['event_name']", CTX)).isEqualTo("push");
    assertThat(eval("github.event.issue.labels[1].name", CTX)).isEqualTo("help wanted");
    assertThat(eval("github.event.issue.labels['1'].name", CTX)).isEqualTo("help wanted");
    assertThat(eval("github.event.issue.labels[1.9].name", CTX)).isEqualTo("help wanted");
    assertThat(eval("github.event.issue['labels'][0]['name']", CTX)).isEqualTo("bug");
    assertThat(eval("steps.my-step.outputs.result", CTX)).isEqualTo("ok");
    assertThat(eval("steps['my-step'].outputs.result", CTX)).isEqualTo("ok");
  }

  @Test
  void contextNamesAndPropertiesAreCaseInsensitive() {
    assertThat(eval("GITHUB.Event_Name", CTX)).isEqualTo("push");
    assertThat(eval("github['EVENT_NAME']", CTX)).isEqualTo("push");
  }

  @Test
  void numbersFromContextsAreDoubles() {
    assertThat(eval("github.run_number", CTX)).isEqualTo(42d);
    assertThat(eval("github.run_number == '42'", CTX)).isEqualTo(true);
  }

  @Test
  void missingValuesAreNullNeverAnError() {
    assertThat(eval("github.nope", CTX)).isNull();
    assertThat(eval("github.nope.deeper.still", CTX)).isNull();
    assertThat(eval("github.event_name.length", CTX)).isNull();
    assertThat(eval("github.event.issue.labels[5].name", CTX)).isNull();
    assertThat(eval("github.event.issue.labels[-1]", CTX)).isNull();
    assertThat(eval("github.event.issue.labels['x']", CTX)).isNull();
    assertThat(eval("github[github]", CTX)).isNull();
    assertThat(eval("secrets.TOKEN", CTX)).isNull();
    assertThat(eval("inputs", CTX)).isNull();
  }

  @Test
  void objectFilterOnAnArrayFromTheDocs() {
    assertThat(eval("matrix.fruits.*.name", CTX)).isEqualTo(List.of("apple", "orange", "pear"));
  }

  @Test
  void objectFilterOnAnObjectFromTheDocs() {
    assertThat(eval("matrix.vegetables.*.ediblePortions", CTX))
        .isEqualTo(
            List.of(
                List.of("roots", "stalks"),
                List.of("roots", "stems", "leaves"),
                List.of("hearts", "stems", "leaves")));
    assertThat(eval("matrix.vegetables.*.ediblePortions.*", CTX))
        .isEqualTo(
            List.of("roots", "stalks", "roots", "stems", "leaves", "hearts", "stems", "leaves"));
    assertThat(eval("contains(matrix.vegetables.*.ediblePortions.*, 'Stems')", CTX))
        .isEqualTo(true);
  }

  @Test
  void nestedFiltersFlatten() {
    assertThat(eval("github.event.issues.*.labels.*.name", CTX))
        .isEqualTo(List.of("bug", "help wanted", "docs"));
    assertThat(eval("github.event.issue.labels.*.name", CTX))
        .isEqualTo(List.of("bug", "help wanted"));
    assertThat(eval("github.event.issue.labels[*].name", CTX))
        .isEqualTo(List.of("bug", "help wanted"));
    assertThat(eval("matrix.vegetables.*.colors[0]", CTX))
        .isEqualTo(List.of("green", "purple", "green"));
  }

  @Test
  void filtersKeepNullPropertiesButDropMissingOnesAndScalars() {
    List<Object> expected = new java.util.ArrayList<>();
    expected.add(null);
    expected.add("n");
    assertThat(eval("needs.items.*.name", CTX)).isEqualTo(expected);
    assertThat(eval("needs.items.*.absent", CTX)).isEqualTo(List.of());
  }

  @Test
  void filterOnAScalarOrNullIsEmpty() {
    assertThat(eval("github.event_name.*", CTX)).isEqualTo(List.of());
    assertThat(eval("github.nope.*.x", CTX)).isEqualTo(List.of());
  }

  @Test
  void javaArraysAndSetsWorkAsArrays() {
    EvalContext ctx =
        EvalContext.builder()
            .context("matrix", Map.of("a", new String[] {"x", "y"}, "n", 3L))
            .build();
    assertThat(eval("matrix.a[1]", ctx)).isEqualTo("y");
    assertThat(eval("join(matrix.a, '+')", ctx)).isEqualTo("x+y");
    assertThat(eval("matrix.n", ctx)).isEqualTo(3d);
  }
}
