package dev.pipewright.parser.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.parser.spec.MatrixSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatrixExpanderTest {

  private static Map<String, List<Object>> axes(Object... keyValues) {
    Map<String, List<Object>> axes = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<Object> values = (List<Object>) keyValues[i + 1];
      axes.put((String) keyValues[i], values);
    }
    return axes;
  }

  @Test
  void productFollowsKeyOrderThenExcludeRemovesPartialMatches() {
    MatrixSpec m =
        new MatrixSpec(
            axes(
                "os",
                List.of("linux", "windows"),
                "node",
                List.of(18L, 20L),
                "arch",
                List.of("x64")),
            List.of(),
            List.of(Map.of("os", "windows", "node", 18L)),
            null);

    assertThat(MatrixExpander.expand(m))
        .containsExactly(
            Map.of("os", "linux", "node", 18L, "arch", "x64"),
            Map.of("os", "linux", "node", 20L, "arch", "x64"),
            Map.of("os", "windows", "node", 20L, "arch", "x64"));
    assertThat(MatrixExpander.expand(m).get(0).keySet()).containsExactly("os", "node", "arch");
    assertThat(MatrixExpander.minimumSize(m)).isEqualTo(3);
  }

  /** The example of GitHub's documentation, "Expanding or adding matrix configurations". */
  @Test
  void includeExtendsWithoutOverwritingOriginalValuesElseAddsACombination() {
    MatrixSpec m =
        new MatrixSpec(
            axes("fruit", List.of("apple", "pear"), "animal", List.of("cat", "dog")),
            List.of(
                Map.of("color", "green"),
                Map.of("color", "pink", "animal", "cat"),
                Map.of("fruit", "apple", "shape", "circle"),
                Map.of("fruit", "banana"),
                Map.of("fruit", "banana", "animal", "cat")),
            List.of(),
            null);

    assertThat(MatrixExpander.expand(m))
        .containsExactly(
            Map.of("fruit", "apple", "animal", "cat", "color", "pink", "shape", "circle"),
            Map.of("fruit", "apple", "animal", "dog", "color", "green", "shape", "circle"),
            Map.of("fruit", "pear", "animal", "cat", "color", "pink"),
            Map.of("fruit", "pear", "animal", "dog", "color", "green"),
            Map.of("fruit", "banana"),
            Map.of("fruit", "banana", "animal", "cat"));
  }

  @Test
  void includeMatchesNumbersByValue() {
    MatrixSpec m =
        new MatrixSpec(
            axes("python", List.of(3.1, 3.12)),
            List.of(Map.of("python", 3.10, "experimental", true)),
            List.of(),
            null);
    assertThat(MatrixExpander.expand(m))
        .containsExactly(Map.of("python", 3.1, "experimental", true), Map.of("python", 3.12));
  }

  @Test
  void includeOnlyMatrixHasOneCombinationPerEntryAndEmptyMatrixHasOne() {
    MatrixSpec includeOnly =
        new MatrixSpec(
            Map.of(), List.of(Map.of("os", "linux"), Map.of("os", "mac")), List.of(), null);
    assertThat(MatrixExpander.expand(includeOnly))
        .containsExactly(Map.of("os", "linux"), Map.of("os", "mac"));
    assertThat(MatrixExpander.minimumSize(includeOnly)).isEqualTo(2);

    MatrixSpec empty = new MatrixSpec(Map.of(), List.of(), List.of(), null);
    assertThat(MatrixExpander.expand(empty)).containsExactly(Map.of());
    assertThat(MatrixExpander.minimumSize(empty)).isEqualTo(1);
  }

  @Test
  void everythingExcludedLeavesOnlyIncludes() {
    MatrixSpec m =
        new MatrixSpec(
            axes("os", List.of("linux")),
            List.of(Map.of("os", "mac")),
            List.of(Map.of("os", "linux")),
            null);
    assertThat(MatrixExpander.expand(m)).containsExactly(Map.of("os", "mac"));
    assertThat(MatrixExpander.minimumSize(m)).isZero();
  }

  @Test
  void minimumSizeCountsDuplicateAxisValuesAnExcludeMatches() {
    MatrixSpec m =
        new MatrixSpec(
            axes("a", List.of("v", "v", "w"), "b", List.of(1L, 2L)),
            List.of(),
            List.of(Map.of("a", "v")),
            null);
    assertThat(MatrixExpander.minimumSize(m)).isEqualTo(2);
    assertThat(MatrixExpander.expand(m)).hasSize(2);
  }

  @Test
  void dynamicMatrixCannotBeExpanded() {
    MatrixSpec m = new MatrixSpec(Map.of(), List.of(), List.of(), "${{ fromJSON(x) }}");
    assertThatThrownBy(() -> MatrixExpander.expand(m))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("${{ fromJSON(x) }}");
    assertThatThrownBy(() -> MatrixExpander.minimumSize(m))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void instanceNameListsValuesInOrderLikeGitHub() {
    Map<String, Object> combo = new LinkedHashMap<>();
    combo.put("os", "ubuntu-latest");
    combo.put("node", 18L);
    assertThat(MatrixExpander.instanceName("test", combo)).isEqualTo("test (ubuntu-latest, 18)");
    combo.put("python", 3.10);
    combo.put("flags", List.of("a", 1L));
    assertThat(MatrixExpander.instanceName("test", combo))
        .isEqualTo("test (ubuntu-latest, 18, 3.1, [\"a\",1])");
    assertThat(MatrixExpander.instanceName("lint", Map.of())).isEqualTo("lint");
  }
}
