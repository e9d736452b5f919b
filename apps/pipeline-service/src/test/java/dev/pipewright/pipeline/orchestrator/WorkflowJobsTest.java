package dev.pipewright.pipeline.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.dag.Workflows;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowJobsTest {
  private static final Map<String, Object> BUILD =
      Map.of("github", Map.of("ref_name", "main"), "vars", Map.of(), "inputs", Map.of());

  private static List<NewJob> rows(String yaml) {
    return WorkflowJobs.rows(Workflows.load(yaml, "w.yml"), BUILD);
  }

  @Test
  void stepNamesAreRenderedWithTheInstancesMatrixStrategyAndGithub() {
    List<NewJob> rows =
        rows(
            """
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    shard: [1, 2]
                steps:
                  - name: Run shard ${{ matrix.shard }} of ${{ strategy.job-total }}
                    run: "true"
                  - name: Index ${{ strategy.job-index }} on ${{ github.ref_name }}
                    run: "true"
            """);

    assertThat(rows)
        .extracting(NewJob::stepNames)
        .containsExactly(
            List.of("Run shard 1 of 2", "Index 0 on main"),
            List.of("Run shard 2 of 2", "Index 1 on main"));
  }

  @Test
  void namesReadingWhatIsNotKnownYetKeepTheirRawText() {
    List<NewJob> rows =
        rows(
            """
            on: push
            jobs:
              build:
                name: Build ${{ github.ref_name }}
                runs-on: ubuntu-latest
                steps:
                  - id: v
                    run: echo x
                  - name: Use ${{ steps.v.outputs.x }}
                    run: "true"
                  - name: Env ${{ env.HOME }}
                    run: "true"
                  - name: Broken ${{ fromJSON('{') }}
                    run: "true"
            """);

    NewJob build = rows.getFirst();
    assertThat(build.name()).isEqualTo("Build main");
    assertThat(build.stepNames())
        .containsExactly(
            "Run echo x",
            "Use ${{ steps.v.outputs.x }}",
            "Env ${{ env.HOME }}",
            "Broken ${{ fromJSON('{') }}");
  }

  @Test
  void matrixJobNamesAreRenderedWithTheBuildContextsToo() {
    List<NewJob> rows =
        rows(
            """
            on: push
            jobs:
              test:
                name: ${{ matrix.os }} @ ${{ github.ref_name }}
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    os: [linux, mac]
                steps:
                  - run: "true"
            """);

    assertThat(rows).extracting(NewJob::name).containsExactly("linux @ main", "mac @ main");
  }
}
