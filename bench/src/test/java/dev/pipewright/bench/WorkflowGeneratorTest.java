package dev.pipewright.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.dag.Planner;
import dev.pipewright.parser.WorkflowParser;
import org.junit.jupiter.api.Test;

class WorkflowGeneratorTest {

  @Test
  void generatesAValidAcyclicWorkflowWithTheRequestedShape() {
    var generated = WorkflowGenerator.generate(200, 3, 50, 7);

    var spec = new WorkflowParser().parse(generated.yaml(), "generated.yml");
    var plan = new Planner().plan(spec);

    assertThat(spec.jobs()).hasSize(200);
    assertThat(generated.edges()).isEqualTo(0 + 1 + 2 + 3 * 197);
    assertThat(spec.jobs().values().stream().mapToInt(j -> j.needs().size()).sum())
        .isEqualTo(generated.edges());
    assertThat(plan.batches().getFirst()).containsExactly("job0");
    assertThat(plan.batches().stream().mapToInt(java.util.List::size).sum()).isEqualTo(200);
    assertThat(new Planner().plan(generated.spec())).isEqualTo(plan);
    assertThat(generated.spec().jobs().get("job150").pos().line())
        .isEqualTo(spec.jobs().get("job150").pos().line());
  }

  @Test
  void isDeterministicForASeed() {
    assertThat(WorkflowGenerator.generate(100, 3, 10, 1))
        .isEqualTo(WorkflowGenerator.generate(100, 3, 10, 1));
  }
}
