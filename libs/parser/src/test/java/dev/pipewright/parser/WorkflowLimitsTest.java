package dev.pipewright.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Every {@link WorkflowLimits} limit refuses with one positioned diagnostic, never another
 * exception, and never a StackOverflowError: the hostile documents are parsed on a thread with a
 * quarter of the usual stack, so a recursion that still grew with the input would fail here.
 */
class WorkflowLimitsTest {
  private static final WorkflowLimits DEFAULT = WorkflowLimits.DEFAULT;
  private static final String JOBS = "jobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n";

  /** Every diagnostic, formatted, one per line. */
  private static String errors(WorkflowParser parser, String yaml) {
    Throwable thrown = parseOnSmallStack(parser, yaml);
    assertThat(thrown).as("expected the workflow to be rejected").isNotNull();
    assertThat(thrown).isInstanceOf(WorkflowException.class);
    return thrown.getMessage();
  }

  /** What parsing {@code yaml} on a thread with a 256 KiB stack threw, or null. */
  private static Throwable parseOnSmallStack(WorkflowParser parser, String yaml) {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread thread =
        new Thread(
            null,
            () -> {
              try {
                parser.parse(yaml, "wf.yml");
              } catch (Throwable t) {
                thrown.set(t);
              }
            },
            "small-stack",
            256 * 1024);
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return thrown.get();
  }

  private static String errors(String yaml) {
    return errors(new WorkflowParser(), yaml);
  }

  private static WorkflowParser parser(
      int documentBytes, int depth, int nodes, int expandedChars, int scalarChars) {
    return new WorkflowParser(
        new WorkflowLimits(documentBytes, depth, nodes, expandedChars, scalarChars, 100));
  }

  @Test
  void theDefaultsAreTheOnesDocumented() {
    assertThat(DEFAULT)
        .isEqualTo(new WorkflowLimits(1 << 20, 100, 150_000, 4 << 20, 256 << 10, 100));
    assertThatThrownBy(() -> new WorkflowLimits(0, 1, 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFileIsMeasuredInUtf8BytesAndRefusedBeforeItIsRead() {
    String yaml = "on: push\n" + JOBS + "# 🚀 é\n";
    int bytes = yaml.getBytes(StandardCharsets.UTF_8).length;
    assertThat(bytes).isGreaterThan(yaml.length());

    assertThat(parser(bytes, 100, 1000, 1000, 1000).parse(yaml, "wf.yml").jobs()).containsKey("a");
    assertThat(errors(parser(bytes - 1, 100, 1000, 1000, 1000), yaml))
        .isEqualTo(
            "wf.yml:1:1: error: the workflow file is too large: "
                + bytes
                + " bytes, the limit is "
                + (bytes - 1)
                + "\n  hint: split it into several workflows, or move jobs into reusable"
                + " workflows ('uses:')");
    assertThat(WorkflowParser.utf8Length(yaml)).isEqualTo(bytes);
  }

  @Test
  void aFileJustUnderTheRealLimitIsReadAndOneOverItIsNot() {
    String head = "on: push\n" + JOBS + "# ";
    // One long comment line: SnakeYAML's default buffer of 1 Ki copied it quadratically.
    String yaml = head + "x".repeat(DEFAULT.documentBytes() - head.length() - 1) + "\n";
    assertThat(yaml).hasSize(DEFAULT.documentBytes());

    assertThat(new WorkflowParser().parse(yaml, "big.yml").jobs()).containsKey("a");
    assertThat(errors(yaml + "#\n"))
        .startsWith("wf.yml:1:1: error: the workflow file is too large: 1,048,578 bytes,");
    assertThat(DEFAULT.documentSize("f.yml", 4L << 30))
        .get()
        .extracting(Diagnostic::message)
        .isEqualTo("the workflow file is too large: 4,294,967,296 bytes, the limit is 1,048,576");
  }

  @Test
  void tenThousandLevelsOfFlowNestingStopAtTheLevelPastTheLimit() {
    String yaml = "on: push\npermissions: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n" + JOBS;

    // The root mapping is level 1, so the 100th '[' is level 101.
    assertThat(errors(yaml))
        .isEqualTo("wf.yml:2:113: error: mappings and sequences nest deeper than 100 levels");
  }

  @Test
  void tenThousandLevelsOfBlockNestingStopAtTheLevelPastTheLimit() {
    // '- - - x' nests block sequences on one line; a mapping per line nests with its indentation.
    String sequences = "on: push\npermissions:\n  " + "- ".repeat(10_000) + "x\n" + JOBS;
    StringBuilder mappings = new StringBuilder("on: push\n" + JOBS + "env:\n");
    for (int level = 0; level < 1_400; level++) {
      mappings.append(" ".repeat(level + 1)).append('k').append(level).append(":\n");
    }

    assertThat(errors(sequences))
        .isEqualTo("wf.yml:3:201: error: mappings and sequences nest deeper than 100 levels");
    assertThat(errors(mappings.toString()))
        .isEqualTo("wf.yml:106:101: error: mappings and sequences nest deeper than 100 levels");
  }

  @Test
  void nestingUpToTheLimitIsAccepted() {
    String yaml = "on: push\npermissions: " + "[".repeat(99) + "]".repeat(99) + "\n" + JOBS;

    assertThat(parseOnSmallStack(new WorkflowParser(), yaml)).isNull();
  }

  @Test
  void nestingThroughAnAliasCountsTheAnchorsLevels() {
    // Each alias stays under the limit where it is written, but expanded they nest 120 deep.
    String yaml =
        "on: push\nx: &deep "
            + "[".repeat(60)
            + "]".repeat(60)
            + "\npermissions: "
            + "[".repeat(60)
            + "*deep"
            + "]".repeat(60)
            + "\n"
            + JOBS;

    assertThat(errors(yaml))
        .isEqualTo(
            "wf.yml:3:74: error: mappings and sequences nest deeper than 100 levels where alias"
                + " '*deep' is expanded");
  }

  @Test
  void aBillionLaughsStopsAtTheAliasThatCrossesTheValueLimit() {
    StringBuilder yaml = new StringBuilder("on: push\n" + JOBS + "x0: &a0 [lol, lol, lol]\n");
    for (int level = 1; level < 30; level++) {
      yaml.append('x').append(level).append(": &a").append(level).append(" [");
      yaml.append(("*a" + (level - 1) + ", ").repeat(8)).append("*a").append(level - 1);
      yaml.append("]\n");
    }

    // Each level holds 9 times the one before: the fifth alias of the sixth level (27,064 values
    // each) crosses 150,000.
    assertThat(errors(yaml.toString()))
        .isEqualTo(
            """
            wf.yml:11:30: error: the workflow holds more than 150,000 values
              hint: each use of an alias counts every value of its anchor again""");
  }

  @Test
  void aWorkflowWithoutAliasesStopsAtTheValueLimitToo() {
    // The root mapping, on, push, jobs, {, a, {, runs-on, x, steps, [, {, run, echo: 14 values;
    // env is the 15th, its mapping the 16th.
    String yaml = "on: push\n" + JOBS + "env: {A: 1}\n";

    assertThat(errors(parser(1 << 20, 100, 15, 10_000, 100), yaml))
        .isEqualTo(
            """
            wf.yml:6:6: error: the workflow holds more than 15 values
              hint: split it into several workflows, or move jobs into reusable workflows \
            ('uses:')""");
  }

  @Test
  void oneLongValueRepeatedByAliasesStopsAtTheTextLimit() {
    String yaml =
        "on: push\n"
            + JOBS
            + "x: &long "
            + "y".repeat(1000)
            + "\nenv: ["
            + "*long, ".repeat(20)
            + "*long]\n";

    assertThat(errors(parser(1 << 20, 100, 1000, 10_000, 2000), yaml))
        .isEqualTo(
            """
            wf.yml:7:63: error: the workflow holds more than 10,000 characters of values
              hint: each use of an alias counts the text of its anchor again""");
  }

  @Test
  void aValueLongerThanTheScalarLimitIsRefusedAtItsStart() {
    String yaml = "on: push\n" + JOBS + "env:\n  A: 'é" + "y".repeat(99) + "'\n";
    WorkflowParser exact = parser(1 << 20, 100, 1000, 10_000, 100);
    WorkflowParser smaller = parser(1 << 20, 100, 1000, 10_000, 99);

    assertThat(exact.parse(yaml, "wf.yml").env()).containsKey("A");
    assertThat(errors(smaller, yaml))
        .isEqualTo(
            """
            wf.yml:7:6: error: a value of 100 characters is longer than the limit of 99
              hint: keep long scripts in a file of the repository and run that file""");
  }

  @Test
  void aWorkflowWith166AliasesOfCollectionsPasses() throws IOException {
    String yaml = resource("/many-anchors.yml");

    var spec = new WorkflowParser().parse(yaml, "many-anchors.yml");

    assertThat(spec.jobs()).hasSize(27);
    assertThat(spec.jobs().get("build-auth").steps()).hasSize(6);
    assertThat(spec.jobs().get("test-ledger").services()).containsKey("postgres");
    // SnakeYAML alone, with its default cap of 50 aliases of collections, refuses it.
    assertThatThrownBy(() -> new Load(LoadSettings.builder().build()).loadFromString(yaml))
        .isInstanceOf(YamlEngineException.class)
        .hasMessageContaining(
            "Number of aliases for non-scalar nodes exceeds the specified max=50");
  }

  @Test
  void deepAndLongExpressionsAreDiagnosticsNotStackOverflows() {
    String parens = "(".repeat(10_000) + "1" + ")".repeat(10_000);
    String chain = "1 == " + "1 == ".repeat(4_000) + "1";
    String yaml =
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
            + "      - run: ${{ "
            + parens
            + " }}\n"
            + "      - if: "
            + chain
            + "\n        run: echo\n";

    assertThat(errors(yaml))
        .isEqualTo(
            """
            wf.yml:6:68: error: invalid expression: exceeded max expression depth 50
            wf.yml:7:260: error: invalid expression: exceeded max expression depth 50""");
  }

  @Test
  void pastTheErrorLimitOneLineCountsTheRest() {
    StringBuilder yaml = new StringBuilder("on: push\njobs:\n  a:\n    runs-on: x\n");
    for (int i = 0; i < 150; i++) {
      yaml.append("    unknown-").append(i).append(": 1\n");
    }
    yaml.append("    steps: [{run: echo}]\n");

    WorkflowException e =
        catchThrowableOfType(
            WorkflowException.class, () -> new WorkflowParser().parse(yaml.toString(), "wf.yml"));

    assertThat(e.diagnostics()).hasSize(101);
    assertThat(e.diagnostics().get(99).line()).isEqualTo(104);
    assertThat(e.diagnostics().getLast())
        .isEqualTo(
            new Diagnostic("wf.yml", 105, 5, "50 more errors from here on are not shown", null));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in =
        Objects.requireNonNull(WorkflowLimitsTest.class.getResourceAsStream(name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
