package dev.pipewright.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pipewright completion bash|zsh|fish}: a completion script made from the commands. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a shell completion script: bash: source <(pipewright completion bash); zsh: the same"
          + " in ~/.zshrc; fish: pipewright completion fish | source.",
      "Exit codes: 0 printed, 2 usage error."
    })
final class CompletionCommand implements Callable<Integer> {
  enum Shell {
    bash,
    zsh,
    fish
  }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}.")
  Shell shell;

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    // picocli's script serves zsh too: it loads zsh's bashcompinit when run by zsh.
    String script =
        switch (shell) {
          case bash, zsh -> AutoComplete.bash(root.getCommandName(), root);
          case fish -> FishCompletion.script(root);
        };
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
