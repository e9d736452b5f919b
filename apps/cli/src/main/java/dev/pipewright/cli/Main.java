package dev.pipewright.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code pipewright}: one picocli subcommand class per command; add a command by writing its class
 * and listing it in {@code subcommands}.
 *
 * <p>Exit codes: 0 success, 1 the workflow (or the operation) failed, 2 usage error or unreadable
 * input. Standard output carries only machine-readable results; everything meant for people goes to
 * standard error.
 */
@Command(
    name = "pipewright",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Pipewright CI: plan, lint, run and follow GitHub-Actions-style workflows.",
    subcommands = {
      PlanCommand.class,
      LintCommand.class,
      RunCommand.class,
      SubmitCommand.class,
      StatusCommand.class,
      ListCommand.class,
      ArtifactsCommand.class,
      LogsCommand.class,
      WatchCommand.class,
      CancelCommand.class,
      RerunCommand.class,
      TokenCommand.class,
      SecretKeyCommand.class,
      ServeCommand.class,
      DemoCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  private final Map<String, String> environment;

  private Main(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests call {@code execute} on it with their own writers. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /**
   * A command line whose configuration ({@code PIPEWRIGHT_*}, {@code PIPEWRIGHT_CONFIG}) is read
   * from {@code environment} instead of the process environment.
   */
  public static CommandLine commandLine(Map<String, String> environment) {
    CommandLine cli = new CommandLine(new Main(environment));
    // '--status failed' as well as FAILED: set after the subcommands exist, so it reaches them.
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return guarded(cli);
  }

  /**
   * {@code cli} with every unexpected failure of a command turned into one line and exit code 1.
   * picocli hands only Exceptions to its handler: an Error (a stack overflow, memory exhausted)
   * would escape {@code execute} and the JVM would print its stack trace.
   */
  static CommandLine guarded(CommandLine cli) {
    cli.setExecutionExceptionHandler((e, command, parsed) -> internalError(e, command));
    cli.setExecutionStrategy(
        parsed -> {
          try {
            return new CommandLine.RunLast().execute(parsed);
          } catch (Error e) {
            return internalError(e, cli);
          }
        });
    return cli;
  }

  /** The environment of the command line {@code spec} belongs to. */
  static Map<String, String> environment(CommandLine.Model.CommandSpec spec) {
    return ((Main) spec.root().userObject()).environment;
  }

  /** An unexpected failure is a bug: one line for the user, the stack trace only in debug logs. */
  private static int internalError(Throwable e, CommandLine cli) {
    // Looked up here only: configuring logging costs every command's start-up otherwise.
    LoggerFactory.getLogger(Main.class).debug("command failed", e);
    PrintWriter err = cli.getErr();
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    err.println("pipewright: internal error: " + message.lines().findFirst().orElse(""));
    err.flush();
    return ExitCodes.FAILED;
  }

  /** The version from the jar manifest, when packaged. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"pipewright " + (version == null ? "(development build)" : version)};
    }
  }
}
