package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
  private static final String VALID =
      """
      on: push
      jobs:
        test:
          needs: [build, lint]
          runs-on: ${{ matrix.os }}
          strategy:
            matrix:
              os: [ubuntu-latest]
              node: [18, 20]
          steps:
            - run: npm test
        lint:
          runs-on: ubuntu-latest
          steps:
            - run: npm run lint
        build:
          name: Build
          runs-on: ubuntu-latest
          steps:
            - run: make
        report:
          needs: test
          runs-on: ubuntu-latest
          strategy:
            matrix: ${{ fromJSON(needs.test.outputs.matrix) }}
          steps:
            - run: echo report
      """;

  private static final String CYCLE =
      """
      on: push
      jobs:
        a:
          needs: b
          runs-on: ubuntu-latest
          steps: [{run: a}]
        b:
          needs: a
          runs-on: ubuntu-latest
          steps: [{run: b}]
      """;

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine(System.getenv(), args);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  @Test
  void planPrintsTheContractJson() throws Exception {
    Path file = write("ci.yml", VALID);

    Run run = run("plan", file.toString());

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    JsonNode expected =
        new ObjectMapper()
            .readTree(
                """
                {"batches": [["build", "lint"], ["test"], ["report"]],
                 "jobs": [
                   {"id": "test", "needs": ["build", "lint"], "instances": [
                     {"name": "test (ubuntu-latest, 18)", "matrix": {"os": "ubuntu-latest", "node": 18}},
                     {"name": "test (ubuntu-latest, 20)", "matrix": {"os": "ubuntu-latest", "node": 20}}]},
                   {"id": "lint", "needs": [], "instances": [{"name": "lint", "matrix": {}}]},
                   {"id": "build", "needs": [], "instances": [{"name": "Build", "matrix": {}}]},
                   {"id": "report", "needs": ["test"], "instances": null}]}
                """);
    assertThat(new ObjectMapper().readTree(run.out())).isEqualTo(expected);
  }

  @Test
  void planOfAnInvalidWorkflowPrintsEveryErrorAndExitsOne() throws Exception {
    Path file = write("cycle.yml", CYCLE);

    Run run = run("plan", file.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            file
                + ":3:3: error: dependency cycle: a → b → a\n"
                + "  hint: each job needs the next one, so none of them can start; remove one of"
                + " these needs\n");
  }

  @Test
  void planOfAMissingFileExitsTwoWithOneLine() {
    Path missing = dir.resolve("nope.yml");

    Run run = run("plan", missing.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("pipewright: cannot read " + missing + ": no such file\n");
  }

  @Test
  void planOfADirectoryExitsTwo() {
    Run run = run("plan", dir.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("pipewright: cannot read " + dir + ": is a directory\n");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("plan").exit()).isEqualTo(2);
    assertThat(run("plan", "a.yml", "b.yml").exit()).isEqualTo(2);
    assertThat(run("lint").exit()).isEqualTo(2);
    assertThat(run("frobnicate").exit()).isEqualTo(2);
    assertThat(run("plan", "--bogus", "a.yml").err()).contains("Unknown option: '--bogus'");
  }

  @Test
  void lintReportsOkForValidFiles() throws Exception {
    Path a = write("a.yml", VALID);
    Path b = write("b.yml", VALID);

    Run run = run("lint", a.toString(), b.toString());

    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(a + ": ok\n" + b + ": ok\n");
  }

  @Test
  void lintReportsEveryErrorOfEveryFileAndExitsOne() throws Exception {
    Path good = write("good.yml", VALID);
    Path cycle = write("cycle.yml", CYCLE);
    Path broken =
        write(
            "broken.yml",
            """
            on: push
            jobs:
              build:
                steps:
                  - run: make
              test:
                needs: biuld
                runs-on: ubuntu-latest
                steps:
                  - run: make test
            """);

    Run run = run("lint", good.toString(), cycle.toString(), broken.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().lines().filter(l -> l.contains(": error: ")))
        .containsExactly(
            cycle + ":3:3: error: dependency cycle: a → b → a",
            broken + ":3:3: error: job 'build' is missing 'runs-on'",
            broken + ":7:12: error: job 'test' needs unknown job 'biuld'");
    assertThat(run.err()).startsWith(good + ": ok\n");
  }

  /** Issue 14: lint said ok for a call it never read. */
  @Test
  void lintResolvesTheReusableWorkflowsAFileCallsFromItsCheckout() throws Exception {
    write(
        ".github/workflows/called.yml",
        """
        on:
          workflow_call:
            inputs:
              target:
                type: string
                required: true
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: echo ${{ inputs.target }}
        """);
    Path good =
        write(
            ".github/workflows/good.yml",
            "on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n"
                + "    with:\n      target: linux\n");
    Path missing =
        write(
            ".github/workflows/missing.yml",
            "on: push\njobs:\n  call:\n    uses: ./.github/workflows/nope.yml\n");
    Path untyped =
        write(
            ".github/workflows/untyped.yml",
            "on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n"
                + "    with:\n      target: [a]\n");

    Run run = run("lint", good.toString(), missing.toString(), untyped.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith(good + ": ok\n");
    assertThat(run.err().lines().filter(l -> l.contains(": error: ")))
        .containsExactly(
            missing
                + ":3:3: error: cannot find the called workflow .github/workflows/nope.yml: no file "
                + dir.resolve(".github/workflows/nope.yml"),
            untyped
                + ":3:3: error: 'with.target': .github/workflows/called.yml: input 'target' is a"
                + " string, not an array");
  }

  /**
   * Issue 14: lint checks what the executor can run. An error makes the file invalid (exit 1), a
   * warning is printed and the file is still ok.
   */
  @Test
  void lintChecksWhatTheExecutorCanRun() throws Exception {
    Path calls =
        write(
            "calls.yml",
            """
            on: push
            concurrency: ci
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: "true"
            """);
    Path pods =
        write(
            "pods.yml",
            """
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                container: {image: node:20, volumes: [cache:/cache]}
                steps:
                  - run: node --version
            """);

    Run onPods = run("lint", "--executor", "kubernetes", calls.toString(), pods.toString());

    assertThat(onPods.exit()).isEqualTo(1);
    assertThat(onPods.err())
        .isEqualTo(
            calls
                + ":2:1: warning: 'concurrency' of the workflow is not honoured: builds and jobs"
                + " of one group run side by side and none is cancelled\n"
                + calls
                + ": ok\n"
                + pods
                + ":5:5: error: job 'test': container.volumes is not supported on Kubernetes (the"
                + " pod host)\n");
    // The container host mounts named volumes.
    assertThat(run("lint", "--executor", "local", pods.toString()).err())
        .isIn(
            pods + ": ok\n",
            pods
                + ":5:5: error: job 'test' sets 'container:', but the local"
                + " workers have no container engine (podman)\n  hint: install podman on the workers"
                + " (and say so in the configuration), or remove 'container:'\n");
    Run bad = run("lint", "--executor", "cloud", pods.toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--executor must be local or kubernetes, not 'cloud'");
  }

  @Test
  void lintWithAnUnreadableFileExitsTwoButStillChecksTheOthers() throws Exception {
    Path good = write("good.yml", VALID);
    Path missing = dir.resolve("missing.yml");

    Run run = run("lint", missing.toString(), good.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("pipewright: cannot read " + missing + ": no such file\n" + good + ": ok\n");
  }

  @Test
  void aYamlSyntaxErrorIsADiagnosticNotAStackTrace() throws Exception {
    Path file = write("bad.yml", "on: push\njobs:\n  build: [unclosed\n");

    Run run = run("lint", file.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith(file + ":").contains(": error: ").doesNotContain("\tat ");
  }

  @Test
  void lintRefusesHostileFilesWithOneDiagnosticEachAndNoStackTrace() throws Exception {
    String jobs = "jobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n";
    Path flow =
        write(
            "flow.yml", "on: push\nenv: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n" + jobs);
    Path block = write("block.yml", "on: push\nenv:\n  " + "- ".repeat(10_000) + "x\n" + jobs);
    StringBuilder laughs = new StringBuilder("on: push\n" + jobs + "a0: &a0 [lol, lol, lol]\n");
    for (int i = 1; i < 20; i++) {
      laughs.append("a").append(i).append(": &a").append(i).append(" [");
      laughs.append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
    }
    Path bomb = write("bomb.yml", laughs.toString());
    Path huge = dir.resolve("huge.yml");
    try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
      // 50 MB without writing them: a file this large is refused from its size, never read.
      file.setLength(50_000_000);
    }

    Run run = run("lint", flow.toString(), block.toString(), bomb.toString(), huge.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().lines())
        .containsExactly(
            flow + ":2:105: error: mappings and sequences nest deeper than 100 levels",
            block + ":3:201: error: mappings and sequences nest deeper than 100 levels",
            bomb + ":11:20: error: the workflow holds more than 150,000 values",
            "  hint: each use of an alias counts every value of its anchor again",
            huge
                + ":1:1: error: the workflow file is too large: 50,000,000 bytes, the limit is"
                + " 1,048,576",
            "  hint: split it into several workflows, or move jobs into reusable workflows"
                + " ('uses:')");
  }

  /** A command dying of an Error, which picocli does not handle, still ends in one line. */
  @Test
  void anErrorInACommandIsOneLineAndExitCodeOne() {
    @CommandLine.Command(name = "overflow")
    class Overflow implements Callable<Integer> {
      @Override
      public Integer call() {
        throw new StackOverflowError();
      }
    }
    StringWriter err = new StringWriter();
    CommandLine cli = Main.guarded(new CommandLine(new Overflow()));
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute()).isEqualTo(1);
    assertThat(err).hasToString("pipewright: internal error: StackOverflowError\n");
  }

  @Test
  void helpListsTheCommands() {
    Run run = run("--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("plan", "lint");
  }
}
