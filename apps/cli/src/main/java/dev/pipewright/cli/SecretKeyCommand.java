package dev.pipewright.cli;

import dev.pipewright.secrets.SecretKeys;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pipewright secret-key create}: a key line for the secret key file. */
@Command(
    name = "secret-key",
    mixinStandardHelpOptions = true,
    description = {
      "The keys that seal secret values in the database (PIPEWRIGHT_SECRET_KEY_FILE: one"
          + " '<key id>:<base64 of 32 bytes>' a line; the first seals, all open)."
    },
    subcommands = {SecretKeyCommand.Create.class})
final class SecretKeyCommand {

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Print a new random AES-256 key line on standard output, e.g.:",
        "  pipewright secret-key create > pipewright-secret.key; chmod 600 pipewright-secret.key",
        "  export PIPEWRIGHT_SECRET_KEY_FILE=$PWD/pipewright-secret.key",
        "To rotate, add the new line to the end of the file the services use, restart them,"
            + " then move it first and restart again (README, 'Secret key')."
      })
  static final class Create implements Callable<Integer> {
    private static final DateTimeFormatter ID_TIME =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Spec CommandSpec spec;

    @Option(
        names = "--id",
        paramLabel = "ID",
        description = "The key id stored with every value it seals (default: key-<UTC time>).")
    String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String keyId = id != null ? id : "key-" + ID_TIME.format(Instant.now());
      try {
        out.println(SecretKeys.newKeyLine(keyId));
        return ExitCodes.OK;
      } catch (IllegalArgumentException e) {
        err.println("pipewright: " + e.getMessage());
        return ExitCodes.USAGE;
      } finally {
        out.flush();
        err.flush();
      }
    }
  }
}
