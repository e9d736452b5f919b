package dev.pipewright.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.WorkflowLimits;
import dev.pipewright.parser.WorkflowParser;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostileWorkflowsTest {

  /** The bench measures refusals: each text must be one, for the reason its name gives. */
  @Test
  void everyTextIsRefusedWithOneDiagnostic() {
    Map<String, String> refusals =
        Map.ofEntries(
            Map.entry("flow nesting 10,000", "nest deeper than 100 levels"),
            Map.entry("block nesting 10,000", "nest deeper than 100 levels"),
            Map.entry("indented nesting 1,400", "nest deeper than 100 levels"),
            Map.entry("billion laughs", "more than 150,000 values"),
            Map.entry("expression nesting 10,000", "exceeded max expression depth"),
            Map.entry("one 512 KiB value", "longer than the limit"),
            Map.entry("1 MB of small jobs", "more than 150,000 values"),
            Map.entry("1.1 MB file", "too large"),
            Map.entry("5 MB file", "too large"),
            Map.entry("10 MB file", "too large"),
            Map.entry("20 MB file", "too large"),
            Map.entry("50 MB file", "too large"));
    Map<String, String> texts = HostileWorkflows.all();
    assertThat(texts.keySet()).containsExactlyInAnyOrderElementsOf(refusals.keySet());

    texts.forEach(
        (name, yaml) -> {
          WorkflowException e =
              catchThrowableOfType(
                  WorkflowException.class, () -> new WorkflowParser().parse(yaml, "h.yml"));
          assertThat(e).as(name).isNotNull();
          assertThat(e.diagnostics()).as(name).hasSize(1);
          assertThat(e.diagnostics().getFirst().message()).as(name).contains(refusals.get(name));
        });
    assertThat(texts.get("1 MB of small jobs").getBytes(StandardCharsets.UTF_8).length)
        .isLessThan(WorkflowLimits.DEFAULT.documentBytes());
  }
}
