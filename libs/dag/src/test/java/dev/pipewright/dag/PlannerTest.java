package dev.pipewright.dag;

import static dev.pipewright.dag.Specs.axes;
import static dev.pipewright.dag.Specs.job;
import static dev.pipewright.dag.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.spec.MatrixSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private final Planner planner = new Planner();

  @Test
  void batchesJobsByTheirNeeds() {
    Plan plan =
        planner.plan(
            workflow(
                job("test", 10, List.of("build")),
                job("lint", 20, List.of()),
                job("build", 30, List.of()),
                job("deploy", 40, List.of("test", "lint"))));

    assertThat(plan.batches())
        .containsExactly(List.of("build", "lint"), List.of("test"), List.of("deploy"));
    assertThat(plan.jobs())
        .extracting(PlannedJob::id)
        .containsExactly("test", "lint", "build", "deploy");
    assertThat(plan.job("deploy").needs()).containsExactly("test", "lint");
  }

  @Test
  void aJobWithoutMatrixIsOneInstanceKeyedByItsId() {
    Plan plan = planner.plan(workflow(job("build", "Build it", 1, List.of(), null)));

    assertThat(plan.job("build").name()).isEqualTo("Build it");
    assertThat(plan.job("build").instances())
        .containsExactly(new JobInstance("build", "Build it", Map.of()));
  }

  @Test
  void expandsAMatrixIntoNumberedInstances() {
    Map<String, List<Object>> axes = new LinkedHashMap<>();
    axes.put("os", List.of("ubuntu-latest", "windows-latest"));
    axes.put("node", List.of(18L, 20L));
    Plan plan = planner.plan(workflow(job("test", null, 1, List.of(), axes(axes))));

    assertThat(plan.job("test").instances())
        .extracting(JobInstance::key, JobInstance::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("test.1", "test (ubuntu-latest, 18)"),
            org.assertj.core.groups.Tuple.tuple("test.2", "test (ubuntu-latest, 20)"),
            org.assertj.core.groups.Tuple.tuple("test.3", "test (windows-latest, 18)"),
            org.assertj.core.groups.Tuple.tuple("test.4", "test (windows-latest, 20)"));
    assertThat(plan.job("test").instances().get(2).matrix())
        .containsExactly(Map.entry("os", "windows-latest"), Map.entry("node", 18L));
  }

  @Test
  void anEmptyMatrixRunsTheJobOnceUnderItsId() {
    Plan plan =
        planner.plan(
            workflow(
                job(
                    "x",
                    null,
                    1,
                    List.of(),
                    new MatrixSpec(Map.of(), List.of(), List.of(), null))));

    assertThat(plan.job("x").instances()).containsExactly(new JobInstance("x", "x", Map.of()));
  }

  @Test
  void aMatrixKnownOnlyAtRunTimeHasNoInstances() {
    MatrixSpec dynamic =
        new MatrixSpec(Map.of(), List.of(), List.of(), "fromJSON(needs.setup.outputs.matrix)");
    Plan plan =
        planner.plan(
            workflow(job("setup", 1, List.of()), job("test", null, 5, List.of("setup"), dynamic)));

    assertThat(plan.job("test").instances()).isNull();
    assertThat(plan.batches()).containsExactly(List.of("setup"), List.of("test"));
  }

  @Test
  void reportsEveryCycleAtTheFirstJobOfEach() {
    WorkflowException e =
        catchThrowableOfType(
            WorkflowException.class,
            () ->
                planner.plan(
                    workflow(
                        job("build", 3, List.of()),
                        job("test", 7, List.of("deploy", "build")),
                        job("deploy", 12, List.of("test")),
                        job("a", 17, List.of("c")),
                        job("b", 21, List.of("a")),
                        job("c", 25, List.of("b")),
                        job("self", 29, List.of("self")))));

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SPEC);
    String hint =
        "each job needs the next one, so none of them can start; remove one of these needs";
    assertThat(e.diagnostics())
        .containsExactly(
            new Diagnostic("ci.yml", 7, 3, "dependency cycle: test → deploy → test", hint),
            new Diagnostic("ci.yml", 17, 3, "dependency cycle: a → c → b → a", hint),
            new Diagnostic("ci.yml", 29, 3, "dependency cycle: self → self", hint));
    assertThat(e.diagnostics().getFirst().format())
        .isEqualTo("ci.yml:7:3: error: dependency cycle: test → deploy → test\n  hint: " + hint);
  }

  @Test
  void reportsNeedsOnJobsThatDoNotExist() {
    WorkflowException e =
        catchThrowableOfType(
            WorkflowException.class,
            () ->
                planner.plan(
                    workflow(job("build", 3, List.of()), job("test", 6, List.of("biuld")))));

    assertThat(e.diagnostics())
        .containsExactly(
            new Diagnostic(
                "ci.yml",
                6,
                3,
                "job 'test' needs unknown job 'biuld'",
                "jobs in this workflow: build, test"));
  }
}
