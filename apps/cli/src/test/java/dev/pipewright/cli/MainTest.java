package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line a run builds: only the command it names, which behaves as in the whole tree. */
class MainTest {
  private static final Map<String, String> ENV = Map.of();

  @Test
  void aNamedCommandIsTheOnlyOneBuiltAndDescribesItselfAsInTheWholeTree() {
    Map<String, CommandLine> whole = Main.commandLine(ENV).getSubcommands();
    assertThat(whole).containsKeys("list", "status", "logs", "run", "serve", "demo", "token");

    for (String name : whole.keySet()) {
      if (name.equals("help") || name.equals("completion")) {
        continue;
      }
      CommandLine trimmed = Main.commandLine(ENV, name, "--some-option");

      assertThat(trimmed.getSubcommands()).as(name).containsOnlyKeys(name);
      assertThat(trimmed.getSubcommands().get(name).getUsageMessage())
          .as(name)
          .isEqualTo(whole.get(name).getUsageMessage());
      assertThat(trimmed.getSubcommands().get(name).isCaseInsensitiveEnumValuesAllowed()).isTrue();
    }
  }

  @Test
  void helpCompletionAndAnythingElseGetTheWholeTree() {
    int all = Main.commandLine(ENV).getSubcommands().size();

    assertThat(Main.commandLine(ENV, "help", "list").getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(ENV, "completion", "bash").getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(ENV, "lsit").getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(ENV, "--help").getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(ENV).getSubcommands()).hasSize(all);
  }

  @Test
  void theVersionNeedsNoCommand() {
    CliRun run = CliRun.of(ENV, "--version");

    assertThat(Main.commandLine(ENV, "--version").getSubcommands()).isEmpty();
    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("pipewright ");
  }

  @Test
  void aMisspeltCommandIsStillAnsweredWithTheKnownOnes() {
    CliRun run = CliRun.of(ENV, "lsit");

    assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("Unmatched argument", "Did you mean: pipewright ");
  }
}
