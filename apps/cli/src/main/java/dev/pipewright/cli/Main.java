package dev.pipewright.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code pipewright}: one picocli subcommand class per command; add a command by writing its class
 * and listing it in {@link #COMMANDS}.
 *
 * <p>Exit codes: 0 success, 1 the workflow (or the operation) failed, 2 usage error or unreadable
 * input. Standard output carries only machine-readable results; everything meant for people goes to
 * standard error.
 */
@Command(
    name = "pipewright",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Pipewright CI: plan, lint, run and follow GitHub-Actions-style workflows.")
public final class Main {
  /** The commands, in the order the usage help lists them. */
  private static final List<Class<?>> COMMANDS =
      List.of(
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
          CommandLine.HelpCommand.class);

  /** Commands that describe the whole command tree, so they need all of it. */
  private static final List<Class<?>> WHOLE_TREE =
      List.of(CompletionCommand.class, CommandLine.HelpCommand.class);

  private final Map<String, String> environment;

  private Main(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv(), args).execute(args));
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
    return commandLine(environment, COMMANDS);
  }

  /**
   * The command line to execute {@code args} with: when they start with the name of a command, it
   * holds only that command. picocli reads the annotations of every option of every command it is
   * given before it parses anything, and for all of them that was the larger part of the start of a
   * command that makes one call (about 250 ms of CPU). The root has no options of its own after a
   * command's name, so {@code args} parse the same either way. {@code --version} needs no command;
   * anything else (no command, a misspelt one, {@code help}, {@code completion}) gets the whole
   * tree.
   */
  public static CommandLine commandLine(Map<String, String> environment, String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return commandLine(environment, List.of());
    }
    if (args.length > 0) {
      for (Class<?> command : COMMANDS) {
        if (!WHOLE_TREE.contains(command) && names(command).contains(args[0])) {
          return commandLine(environment, List.of(command));
        }
      }
    }
    return commandLine(environment);
  }

  private static List<String> names(Class<?> command) {
    Command annotation = command.getAnnotation(Command.class);
    List<String> names = new ArrayList<>(Arrays.asList(annotation.aliases()));
    names.add(annotation.name());
    return names;
  }

  private static CommandLine commandLine(Map<String, String> environment, List<Class<?>> commands) {
    CommandLine cli = new CommandLine(new Main(environment));
    commands.forEach(cli::addSubcommand);
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
