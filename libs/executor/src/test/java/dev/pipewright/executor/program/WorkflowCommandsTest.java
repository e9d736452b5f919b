package dev.pipewright.executor.program;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.Annotation;
import dev.pipewright.executor.SecretMasker;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkflowCommandsTest {
  private final SecretMasker masker = new SecretMasker();
  private final WorkflowCommands commands =
      new WorkflowCommands(masker, WorkflowCommands.Options.DEFAULT);

  /** ActionCommandManager.cs: add-mask is not echoed unless ::echo::on (or step debug). */
  @Test
  void addMaskRegistersTheValueAndHidesTheCommand() {
    assertThat(commands.process("::add-mask::topsecret")).isNull();
    assertThat(masker.mask("echo topsecret")).isEqualTo("echo ***");
    assertThat(commands.process("::add-mask::first%0Asecond")).isNull();
    assertThat(masker.mask("first then second")).isEqualTo("*** then ***");
    assertThat(commands.process("::add-mask:: ")).startsWith("##[warning]Can't add secret mask");
    assertThat(commands.process("::echo::on")).isNull();
    assertThat(commands.process("::add-mask::other")).isEqualTo("::add-mask::***");
    assertThat(commands.failure()).isNull();
  }

  @Test
  void groupsDebugAndPlainLines() {
    assertThat(commands.process("::group::Build it")).isEqualTo("##[group]Build it");
    assertThat(commands.process("::endgroup::")).isEqualTo("##[endgroup]");
    assertThat(commands.process("::debug::x%0Ay")).as("debug only with step debug").isNull();
    WorkflowCommands debugging =
        new WorkflowCommands(masker, new WorkflowCommands.Options(true, false, null));
    assertThat(debugging.process("::debug::x%0Ay")).isEqualTo("##[debug]x\ny");
    assertThat(commands.process("plain :: line")).isEqualTo("plain :: line");
    assertThat(commands.process("::not closed")).isEqualTo("::not closed");
  }

  @Test
  void errorsAndWarningsBecomeAnnotationsWithMaskedMessages() {
    masker.add("pw123");
    assertThat(commands.process("::error file=app.js,line=10,title=Bad%2C bad::broke pw123"))
        .isEqualTo("##[error]broke pw123");
    assertThat(commands.process("  ::warning::careful")).isEqualTo("##[warning]careful");
    assertThat(commands.process("::notice line=x::fyi")).isEqualTo("##[notice]fyi");
    assertThat(commands.annotations())
        .containsExactly(
            new Annotation(
                Annotation.Level.ERROR, "broke ***", "app.js", 10, null, 10, null, "Bad, bad"),
            new Annotation(Annotation.Level.WARNING, "careful", null, null, null, null, null, null),
            new Annotation(Annotation.Level.NOTICE, "fyi", null, null, null, null, null, null));
  }

  /**
   * actions/runner IssueCommandExtension reads file, line and col; IssueExtensions.cs ToAnnotation
   * adds endLine and endColumn, each defaulting to the start's, and keeps no annotation of a blank
   * message; IOUtil.MakeRelative makes a file under the workspace relative to it.
   */
  @Test
  void annotationsKeepEveryPositionAndAFileRelativeToTheWorkspace() {
    WorkflowCommands inWorkspace =
        new WorkflowCommands(masker, new WorkflowCommands.Options(false, false, "/w/src"));
    inWorkspace.process(
        "::error file=/w/src/lib/a.c,line=3,col=5,endLine=4,endColumn=9,title=T::two lines");
    inWorkspace.process("::warning file=/elsewhere/b.c,line=7,col=2::here");
    inWorkspace.process("::notice file=c.c::   ");
    assertThat(inWorkspace.annotations())
        .containsExactly(
            new Annotation(Annotation.Level.ERROR, "two lines", "lib/a.c", 3, 5, 4, 9, "T"),
            new Annotation(Annotation.Level.WARNING, "here", "/elsewhere/b.c", 7, 2, 7, 2, null));
  }

  /**
   * ExecutionContext.cs AddIssue: at most _maxIssueCount (100) of each level per step, and a
   * message cut at _maxIssueMessageLength (4096); every line is still logged.
   */
  @Test
  void annotationsAreCappedPerLevelAndMessagesCut() {
    for (int i = 0; i < WorkflowCommands.MAX_ANNOTATIONS + 5; i++) {
      assertThat(commands.process("::warning::w" + i)).isEqualTo("##[warning]w" + i);
    }
    commands.process("::error::" + "x".repeat(WorkflowCommands.MAX_MESSAGE + 10));
    List<Annotation> kept = commands.annotations();
    assertThat(kept).hasSize(WorkflowCommands.MAX_ANNOTATIONS + 1);
    assertThat(kept.getLast().level()).isEqualTo(Annotation.Level.ERROR);
    assertThat(kept.getLast().message()).hasSize(WorkflowCommands.MAX_MESSAGE);
  }

  @Test
  void deprecatedSetOutputStillSetsTheOutput() {
    assertThat(commands.process("::set-output name=answer::42")).startsWith("##[warning]");
    assertThat(commands.legacyOutputs()).containsEntry("answer", "42");
    assertThat(commands.process("::set-output::nameless")).contains("Required field 'name'");
    assertThat(commands.failure())
        .isEqualTo("Required field 'name' is missing in ##[set-output] command.");
  }

  @Test
  void stopCommandsSuspendsProcessingUntilTheToken() {
    commands.process("::stop-commands::pause-token");
    assertThat(commands.process("::add-mask::notmasked")).isEqualTo("::add-mask::notmasked");
    assertThat(masker.mask("notmasked")).isEqualTo("notmasked");
    commands.process("::pause-token::");
    assertThat(commands.process("::add-mask::nowmasked")).isNull();
    assertThat(masker.mask("nowmasked")).isEqualTo("***");
    assertThat(masker.mask("pause-token")).as("long tokens are masked").isEqualTo("***");
  }

  /** Constants.cs UnsupportedStopCommandTokenDisabled: a token may not be a command. */
  @Test
  void aStopTokenThatIsACommandFailsTheStep() {
    assertThat(commands.process("::stop-commands::add-mask"))
        .startsWith("##[error]Unable to process command 'stop-commands' successfully.");
    assertThat(commands.failure()).startsWith("You cannot use a endToken");
    assertThat(commands.process("::add-mask::stillworks")).isNull();
  }

  /** set-env and add-path are disabled unless ACTIONS_ALLOW_UNSECURE_COMMANDS is true. */
  @Test
  void setEnvAndAddPathAreDisabledByDefault() {
    assertThat(commands.process("::set-env name=A::1"))
        .isEqualTo(
            "##[error]Unable to process command '::set-env name=A::1' successfully.\n"
                + "##[error]The `set-env` command is disabled. Please upgrade to using Environment"
                + " Files or opt into unsecure command execution by setting the"
                + " `ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to `true`.");
    assertThat(commands.failure()).contains("`set-env` command is disabled");
    assertThat(commands.legacyEnv()).isEmpty();
    WorkflowCommands unsecure =
        new WorkflowCommands(masker, new WorkflowCommands.Options(false, true, null));
    assertThat(unsecure.process("::set-env name=A::1")).isNull();
    assertThat(unsecure.process("::add-path::/opt/a")).isNull();
    assertThat(unsecure.process("::add-path::/opt/b")).isNull();
    assertThat(unsecure.legacyEnv()).containsEntry("A", "1");
    assertThat(unsecure.legacyPath()).containsExactly("/opt/b", "/opt/a");
    assertThat(unsecure.failure()).isNull();
  }

  @Test
  void echoTakesOnlyOnOrOff() {
    assertThat(commands.process("::echo::loud")).startsWith("##[error]Unable to process command");
    assertThat(commands.failure()).startsWith("Invalid echo command value.");
  }
}
