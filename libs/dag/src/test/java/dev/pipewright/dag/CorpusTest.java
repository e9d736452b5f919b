package dev.pipewright.dag;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real-world workflow in {@code corpus/} (sources in its SOURCES.md) parses and plans. */
class CorpusTest {

  static List<Path> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(Objects.requireNonNull(CorpusTest.class.getResource("/corpus")).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }

  @Test
  void holdsAtLeastThirtyWorkflowsEachWithASource() throws Exception {
    List<Path> files = corpus();
    String sources = Files.readString(files.getFirst().resolveSibling("SOURCES.md"));

    assertThat(files).hasSizeGreaterThanOrEqualTo(30);
    for (Path file : files) {
      assertThat(sources)
          .as("SOURCES.md lists %s", file.getFileName())
          .contains("`" + file.getFileName() + "`");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void parsesAndPlans(Path file) throws IOException {
    LoadedWorkflow loaded = Workflows.load(Files.readString(file), file.getFileName().toString());
    Plan plan = loaded.plan();

    assertThat(plan.jobs())
        .extracting(PlannedJob::id)
        .containsExactlyElementsOf(loaded.spec().jobs().keySet());
    Set<String> earlier = new HashSet<>();
    for (List<String> batch : plan.batches()) {
      assertThat(batch).isSorted();
      for (String id : batch) {
        assertThat(earlier).containsAll(plan.job(id).needs());
      }
      earlier.addAll(batch);
    }
    assertThat(earlier).hasSameSizeAs(plan.jobs());
    for (PlannedJob job : plan.jobs()) {
      if (!job.dynamic()) {
        assertThat(job.instances()).isNotEmpty();
      }
    }
  }
}
