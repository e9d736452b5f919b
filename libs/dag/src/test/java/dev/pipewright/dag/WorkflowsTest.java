package dev.pipewright.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipewright.parser.Diagnostic;
import dev.pipewright.parser.WorkflowException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowsTest {
  private static final String HINT =
      "  hint: each job needs the next one, so none of them can start; remove one of these needs";

  private static List<String> errors(String yaml) {
    WorkflowException e =
        catchThrowableOfType(WorkflowException.class, () -> Workflows.load(yaml, "ci.yml"));
    assertThat(e).as("expected the workflow to be rejected").isNotNull();
    return e.diagnostics().stream().map(Diagnostic::format).toList();
  }

  @Test
  void loadsAndPlansAWorkflow() {
    LoadedWorkflow loaded =
        Workflows.load(
            """
            on: push
            jobs:
              test:
                needs: build
                runs-on: ${{ matrix.os }}
                strategy:
                  matrix:
                    os: [ubuntu-latest, macos-latest]
                    node: [18]
                    include:
                      - os: ubuntu-latest
                        experimental: true
                steps:
                  - run: npm test
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: make
            """,
            "ci.yml");

    assertThat(loaded.spec().jobs()).containsOnlyKeys("test", "build");
    assertThat(loaded.plan().batches()).containsExactly(List.of("build"), List.of("test"));
    assertThat(loaded.plan().job("test").instances())
        .containsExactly(
            new JobInstance(
                "test.1",
                "test (ubuntu-latest, 18, true)",
                Map.of("os", "ubuntu-latest", "node", 18L, "experimental", true)),
            new JobInstance(
                "test.2", "test (macos-latest, 18)", Map.of("os", "macos-latest", "node", 18L)));
  }

  @Test
  void namesATwoJobCycle() {
    assertThat(
            errors(
                """
                on: push
                jobs:
                  build:
                    needs: test
                    runs-on: ubuntu-latest
                    steps:
                      - run: make
                  test:
                    needs: [build]
                    runs-on: ubuntu-latest
                    steps:
                      - run: make test
                """))
        .containsExactly("ci.yml:3:3: error: dependency cycle: build → test → build\n" + HINT);
  }

  @Test
  void namesEveryCycleAtOnce() {
    assertThat(
            errors(
                """
                on: push
                jobs:
                  lint:
                    runs-on: ubuntu-latest
                    steps: [{run: lint}]
                  a:
                    needs: [lint, c]
                    runs-on: ubuntu-latest
                    steps: [{run: a}]
                  b:
                    needs: a
                    runs-on: ubuntu-latest
                    steps: [{run: b}]
                  c:
                    needs: b
                    runs-on: ubuntu-latest
                    steps: [{run: c}]
                  deploy:
                    needs: [deploy]
                    runs-on: ubuntu-latest
                    steps: [{run: deploy}]
                """))
        .containsExactly(
            "ci.yml:6:3: error: dependency cycle: a → c → b → a\n" + HINT,
            "ci.yml:18:3: error: dependency cycle: deploy → deploy\n" + HINT);
  }
}
