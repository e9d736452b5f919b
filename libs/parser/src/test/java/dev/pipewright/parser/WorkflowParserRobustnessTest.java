package dev.pipewright.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A broken workflow must always come back as a {@link WorkflowException} with positions, never as
 * another exception: the entry API turns exactly that into INVALID_ARGUMENT.
 */
class WorkflowParserRobustnessTest {
  private static final List<String> REPLACEMENTS =
      List.of(" []", " {}", " ~", " ${{ x( }}", " *nowhere");

  @Test
  void everyMutationOfTheFullWorkflowParsesOrFailsWithDiagnostics() {
    WorkflowParser parser = new WorkflowParser();
    String[] lines = WorkflowParserTest.FULL.split("\n", -1);
    List<String> variants = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      variants.add(join(lines, i, null));
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        // One replacement per line (cycling) keeps the suite fast; each kind still hits every key.
        String replacement = REPLACEMENTS.get(i % REPLACEMENTS.size());
        variants.add(join(lines, i, lines[i].substring(0, colon + 1) + replacement));
      }
    }
    int rejected = 0;
    for (String yaml : variants) {
      try {
        parser.parse(yaml, "m.yml");
      } catch (WorkflowException e) {
        rejected++;
        assertThat(e.diagnostics()).isNotEmpty();
        assertThat(e.diagnostics())
            .allSatisfy(
                d -> {
                  assertThat(d.line()).isBetween(1, lines.length + 1);
                  assertThat(d.column()).isPositive();
                });
      } catch (RuntimeException | StackOverflowError e) {
        fail("unexpected " + e + " for:\n" + yaml, e);
      }
    }
    assertThat(rejected).isGreaterThan(variants.size() / 3);
  }

  private static String join(String[] lines, int replaced, String replacement) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      if (i != replaced) {
        out.append(lines[i]).append('\n');
      } else if (replacement != null) {
        out.append(replacement).append('\n');
      }
    }
    return out.toString();
  }
}
