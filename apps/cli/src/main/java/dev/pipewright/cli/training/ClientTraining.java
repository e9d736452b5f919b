package dev.pipewright.cli.training;

import dev.pipewright.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run bin/pipewright records a client command's class archive with (JDK 25's AOT cache, which
 * keeps the classes loaded and linked): the commands people run most ({@code --version}, {@code
 * list}, {@code status}, {@code logs}) against a {@link TrainingServer} in a child process, so that
 * the archive holds the classes of calls that succeed, and only the client's.
 *
 * <p>Exits 1, printing the failed commands, when any command did not succeed: an archive of a
 * failed run would hold the wrong classes, and the launcher then makes none.
 */
public final class ClientTraining {
  private ClientTraining() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    List<String> failed = trainAgainstChildServer();
    failed.forEach(System.err::println);
    System.exit(failed.isEmpty() ? 0 : 1);
  }

  /** Starts a {@link TrainingServer} process, runs the commands against it, and stops it. */
  static List<String> trainAgainstChildServer() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    // Its logs are of no use; the NOP provider also keeps a logback configuration from writing
    // its status lines to standard output, where the port is read.
    Process server =
        new ProcessBuilder(
                java.toString(),
                "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider",
                "-cp",
                System.getProperty("java.class.path"),
                TrainingServer.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
      String port = lines.readLine();
      while (port != null && !port.strip().matches("[0-9]+")) {
        port = lines.readLine();
      }
      if (port == null) {
        return List.of("the training server did not start");
      }
      return train("127.0.0.1:" + port.strip());
    } finally {
      server.getOutputStream().close();
      server.destroy();
      server.waitFor();
    }
  }

  /**
   * Runs the commands against the entry API at {@code server}, as a person would type them: {@code
   * list} without an API token, the others with one (the server does not check it).
   *
   * @return one line per command that did not exit 0
   */
  static List<String> train(String server) {
    String build = TrainingServer.BUILD_ID.substring(0, 8);
    Map<String, String> none = Map.of();
    Map<String, String> token = Map.of("PIPEWRIGHT_TOKEN", "training");
    List<String> failed = new ArrayList<>();
    run(none, failed, "--version");
    run(none, failed, "list", "--server", server);
    run(token, failed, "status", build, "--server", server);
    run(token, failed, "logs", build, "--server", server);
    return failed;
  }

  private static void run(Map<String, String> env, List<String> failed, String... command) {
    StringWriter err = new StringWriter();
    int exit =
        Main.commandLine(env, command)
            .setOut(new PrintWriter(Writer.nullWriter()))
            .setErr(new PrintWriter(err))
            .execute(command);
    if (exit != 0) {
      failed.add(String.join(" ", command) + ": exit " + exit + ": " + err.toString().strip());
    }
  }
}
