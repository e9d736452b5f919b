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
    combo.put("debug", true);
    assertThat(MatrixExpander.instanceName("test", combo))
        .isEqualTo("test (ubuntu-latest, 18, 3.1, a, 1, true)");
    assertThat(MatrixExpander.instanceName("lint", Map.of())).isEqualTo("lint");
  }

  @Test
  void instanceNameShowsTheValuesInsideObjectsAndLeavesOutEmptyOnes() {
    Map<String, Object> combo = new LinkedHashMap<>();
    combo.put("os", Map.of("name", "Linux"));
    combo.put("java", Map.of("version", 17L));
    combo.put("none", null);
    combo.put("blank", "");
    assertThat(MatrixExpander.instanceName("build", combo)).isEqualTo("build (Linux, 17)");
    assertThat(MatrixExpander.instanceName("build", Map.of("empty", Map.of()))).isEqualTo("build");
  }

  @Test
  void instanceNameIsCutAtOneHundredCharactersLikeTheRunner() {
    String name = MatrixExpander.instanceName("job", Map.of("long", "x".repeat(200)));
    assertThat(name).hasSize(100).startsWith("job (xxx").endsWith("x...");
  }

  @Test
  void anExpressionNameIsRenderedWithTheMatrixAndGetsNoSuffix() {
    Map<String, Object> combo = new LinkedHashMap<>();
    combo.put("os", Map.of("id", "windows-latest", "name", "Windows"));
    combo.put("java", Map.of("version", 21L, "toolchain", true));
    assertThat(
            MatrixExpander.instanceName(
                "${{ matrix.os.name}} | Java ${{ matrix.java.version}}", combo))
        .isEqualTo("Windows | Java 21");
    // Contexts other than matrix are unknown before the run and read as empty.
    assertThat(MatrixExpander.instanceName("test ${{ github.ref }}on ${{ matrix.os.name }}", combo))
        .isEqualTo("test on Windows");
    // A job without a matrix keeps its name as written.
    assertThat(MatrixExpander.instanceName("${{ matrix.os }}", Map.of()))
        .isEqualTo("${{ matrix.os }}");
  }

  @Test
  void anExpressionNameThatFailsOnTheValuesFallsBackToTheSuffix() {
    assertThat(MatrixExpander.instanceName("${{ fromJSON(matrix.os) }}", Map.of("os", "{")))
        .isEqualTo("${{ fromJSON(matrix.os) }} ({)");
  }

  /**
   * spring-boot's ci.yml (libs/dag's corpus): the exclude names only part of each object, and
   * GitHub removes Linux with Java 23 because an object in an entry is a subset pattern.
   */
  @Test
  void excludeMatchesObjectValuesPartiallyLikeSpringBootRelies() {
    MatrixSpec m =
        new MatrixSpec(
            axes(
                "os",
                List.of(
                    Map.of("id", "${{ vars.UBUNTU_MEDIUM || 'ubuntu-latest' }}", "name", "Linux"),
                    Map.of("id", "windows-latest", "name", "Windows")),
                "java",
                List.of(
                    Map.of("version", 17L, "toolchain", true),
                    Map.of("version", 21L, "toolchain", true),
                    Map.of("version", 22L, "toolchain", true),
                    Map.of("version", 23L, "toolchain", false))),
            List.of(),
            List.of(
                Map.of("os", Map.of("name", "Linux"), "java", Map.of("version", 23L)),
                Map.of(
                    "os",
                    Map.of(
                        "name",
                        "${{ github.repository == 'spring-projects/spring-boot-commercial'"
                            + " && 'Windows' }}"))),
            null);

    List<Map<String, Object>> combos = MatrixExpander.expand(m);

    assertThat(combos)
        .extracting(
            c ->
                ((Map<?, ?>) c.get("os")).get("name")
                    + "/"
                    + ((Map<?, ?>) c.get("java")).get("version"))
        .containsExactly(
            "Linux/17",
            "Linux/21",
            "Linux/22",
            "Windows/17",
            "Windows/21",
            "Windows/22",
            "Windows/23");
    assertThat(MatrixExpander.minimumSize(m)).isEqualTo(7);
  }

  @Test
  void leavesCompareWithTheExpressionLanguagesEquality() {
    MatrixSpec m =
        new MatrixSpec(
            axes(
                "os",
                List.of("Ubuntu-Latest", "windows-latest"),
                "node",
                List.of(18L, 20L),
                "flags",
                List.of(List.of("a", "b"), List.of("c"))),
            List.of(),
            // Strings ignore case, '18' is the number 18, a list matches element by element.
            List.of(Map.of("os", "ubuntu-latest", "node", "18"), Map.of("flags", List.of("c"))),
            null);

    assertThat(MatrixExpander.expand(m))
        .containsExactly(
            Map.of("os", "Ubuntu-Latest", "node", 20L, "flags", List.of("a", "b")),
            Map.of("os", "windows-latest", "node", 18L, "flags", List.of("a", "b")),
            Map.of("os", "windows-latest", "node", 20L, "flags", List.of("a", "b")));
    // Ubuntu/18/[c] is matched by both entries and counted twice: a lower bound.
    assertThat(MatrixExpander.minimumSize(m)).isEqualTo(2);
  }

  @Test
  void aListInAnEntryIsAPrefixPatternAndANestedEmptyObjectMatchesAnything() {
    MatrixSpec m =
        new MatrixSpec(
            axes(
                "flags", List.of(List.of("a", "b"), List.of("b")), "cfg", List.of(Map.of("k", 1L))),
            List.of(),
            List.of(Map.of("flags", List.of("a"), "cfg", Map.of())),
            null);

    assertThat(MatrixExpander.expand(m))
        .containsExactly(Map.of("flags", List.of("b"), "cfg", Map.of("k", 1L)));
    assertThat(MatrixExpander.minimumSize(m)).isEqualTo(1);
  }

  @Test
  void includeMatchesObjectAxesPartiallyAndAnUnmatchedOneListsItsAxisKeysFirst() {
    MatrixSpec m =
        new MatrixSpec(
            axes(
                "os",
                List.of(Map.of("id", "ubuntu-24.04", "name", "Linux"), Map.of("name", "Windows")),
                "java",
                List.of(17L)),
            List.of(
                orderedMap("experimental", true, "os", Map.of("name", "linux")),
                orderedMap("arch", "arm64", "os", Map.of("name", "macOS"))),
            List.of(),
            null);

    List<Map<String, Object>> combos = MatrixExpander.expand(m);

    assertThat(combos)
        .containsExactly(
            Map.of(
                "os",
                Map.of("id", "ubuntu-24.04", "name", "Linux"),
                "java",
                17L,
                "experimental",
                true),
            Map.of("os", Map.of("name", "Windows"), "java", 17L),
            Map.of("os", Map.of("name", "macOS"), "arch", "arm64"));
    assertThat(combos.get(2).keySet()).containsExactly("os", "arch");
  }

  private static Map<String, Object> orderedMap(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return map;
  }
}
