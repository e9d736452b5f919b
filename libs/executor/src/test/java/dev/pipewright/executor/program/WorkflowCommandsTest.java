package dev.pipewright.executor.program;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.Annotation;
import dev.pipewright.executor.SecretMasker;
import org.junit.jupiter.api.Test;

class WorkflowCommandsTest {
  private final SecretMasker masker = new SecretMasker();
  private final WorkflowCommands commands = new WorkflowCommands(masker);

  @Test
  void addMaskRegistersTheValueAndHidesTheCommand() {
    assertThat(commands.process("::add-mask::topsecret")).isEqualTo("::add-mask::***");
    assertThat(masker.mask("echo topsecret")).isEqualTo("echo ***");
  }

  @Test
  void groupsDebugAndPlainLines() {
    assertThat(commands.process("::group::Build it")).isEqualTo("##[group]Build it");
    assertThat(commands.process("::endgroup::")).isEqualTo("##[endgroup]");
    assertThat(commands.process("::debug::x%0Ay")).isEqualTo("##[debug]x\ny");
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
            new Annotation(Annotation.Level.ERROR, "broke ***", "app.js", 10, "Bad, bad"),
            new Annotation(Annotation.Level.WARNING, "careful", null, null, null),
            new Annotation(Annotation.Level.NOTICE, "fyi", null, null, null));
  }

  @Test
  void annotationsAreCapped() {
    for (int i = 0; i < WorkflowCommands.MAX_ANNOTATIONS + 5; i++) {
      commands.process("::warning::w" + i);
    }
    assertThat(commands.annotations()).hasSize(WorkflowCommands.MAX_ANNOTATIONS);
  }

  @Test
  void deprecatedSetOutputStillSetsTheOutput() {
    assertThat(commands.process("::set-output name=answer::42")).startsWith("##[warning]");
    assertThat(commands.legacyOutputs()).containsEntry("answer", "42");
  }

  @Test
  void stopCommandsSuspendsProcessingUntilTheToken() {
    commands.process("::stop-commands::pause-token");
    assertThat(commands.process("::add-mask::notmasked")).isEqualTo("::add-mask::notmasked");
    assertThat(masker.isEmpty()).isTrue();
    commands.process("::pause-token::");
    assertThat(commands.process("::add-mask::nowmasked")).isEqualTo("::add-mask::***");
  }
}
