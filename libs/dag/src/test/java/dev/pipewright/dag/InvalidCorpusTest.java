package dev.pipewright.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real workflows that are not valid YAML (see corpus/SOURCES.md) are reported, not crashed on. */
class InvalidCorpusTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({"rust-analyzer-release.yaml, 136, 23", "ingress-nginx-stale.yaml, 18, 59"})
  void isRejectedWithAPositionedYamlError(String name, int line, int column) throws Exception {
    Path file =
        Path.of(
            Objects.requireNonNull(InvalidCorpusTest.class.getResource("/corpus-invalid/" + name))
                .toURI());

    WorkflowException e =
        catchThrowableOfType(
            WorkflowException.class, () -> Workflows.load(Files.readString(file), name));

    assertThat(e).isNotNull();
    Diagnostic first = e.diagnostics().getFirst();
    assertThat(first.file()).isEqualTo(name);
    assertThat(first.line()).isEqualTo(line);
    assertThat(first.column()).isEqualTo(column);
    assertThat(first.message()).startsWith("YAML syntax: ");
  }
}
