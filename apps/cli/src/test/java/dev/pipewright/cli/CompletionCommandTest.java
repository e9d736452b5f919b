package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionCommandTest {
  @TempDir Path dir;

  private static String completion(String shell) {
    CliRun run = CliRun.of(Map.of(), "completion", shell);
    assertThat(run.exit()).as(run.err()).isZero();
    return run.out();
  }

  /** Runs the bash script's completion function as bash does on TAB, and returns its replies. */
  private String bashCompletes(String... words) throws Exception {
    Path script = Files.writeString(dir.resolve("pipewright.bash"), completion("bash"));
    String line = String.join(" ", words);
    String program =
        "source "
            + script
            + "; COMP_WORDS=("
            + line
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; COMP_LINE='"
            + line
            + "'; COMP_POINT=${#COMP_LINE}; _complete_pipewright; printf '%s\\n' \"${COMPREPLY[@]}\"";
    Process bash =
        new ProcessBuilder("bash", "-c", program)
            // Outside an interactive TAB, bash's compopt complains on stderr; the replies are out.
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void bashCompletesCommandsAndOptionValues() throws Exception {
    assertThat(bashCompletes("pipewright", "wa").lines()).containsExactly("watch");
    assertThat(bashCompletes("pipewright", "list", "--status", "").lines())
        .contains("FAILED", "SUCCEEDED");
    assertThat(bashCompletes("pipewright", "status", "--out").lines()).containsExactly("--output");
  }

  @Test
  void zshGetsTheScriptThatLoadsBashcompinitUnderZsh() {
    assertThat(completion("zsh")).isEqualTo(completion("bash")).contains("bashcompinit");
  }

  @Test
  void fishGetsEveryCommandAndOptionFromTheCommandModel() {
    String fish = completion("fish");

    assertThat(fish.lines())
        .contains(
            "complete -c pipewright -f -n '__fish_use_subcommand' -a 'watch' -d 'Follow a build"
                + " live, as submit --follow does, until it ends; Ctrl-C stops watching and leaves"
                + " the build running'",
            "complete -c pipewright -f -n '__fish_seen_subcommand_from token; and not"
                + " __fish_seen_subcommand_from create list revoke' -a 'create' -d 'Create a token"
                + " and print it on standard output: it is shown this once (only its hash is"
                + " stored)'")
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "complete -c pipewright -n '__fish_seen_subcommand_from list' -l status -x"
                            + " -a 'PENDING QUEUED RUNNING SUCCEEDED FAILED CANCELLED'"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "complete -c pipewright -n '__fish_seen_subcommand_from submit' -l"
                            + " token-file -r -F"))
        .noneSatisfy(l -> assertThat(l).contains("${"));
  }
}
