package dev.pipewright.executor.engine;

import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.executor.program.CheckoutScript;
import dev.pipewright.executor.program.ShellCommand;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.RunDefaults;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one step runs: its script rendered, its shell resolved on the host, its working directory.
 * {@code run:} steps follow ScriptHandler.cs: the shell is the step's, else {@code defaults.run}'s,
 * else {@code bash -e {0}} ({@code sh -e {0}} without bash); the working directory is joined to the
 * workspace, so an absolute one stands as it is. The built-in {@code actions/checkout} runs its
 * POSIX script with {@code sh} in the workspace, into a path that must stay inside it (as the
 * action demands).
 *
 * @param argv the command, its program as the host found it
 * @param workingDirectory absolute, in the host's view
 * @param scriptPath where the script goes (in {@code RUNNER_TEMP})
 * @param script its bytes
 */
record StepScript(List<String> argv, String workingDirectory, String scriptPath, byte[] script) {

  /**
   * @param env the step's env context (job env, env files, step env)
   * @param path the {@code PATH} the step will run with
   * @param id the command's id, also the script's name
   * @throws CiException INVALID_SPEC for a bad shell, PERMANENT for a missing one, an unsupported
   *     action or a working directory that does not exist
   * @throws dev.pipewright.expressions.ExpressionException when a field does not evaluate
   */
  static StepScript prepare(
      StepSpec step,
      RunDefaults defaults,
      JobContext ctx,
      Map<String, String> env,
      String path,
      JobHost host,
      RepositoryRef repository,
      String id)
      throws IOException {
    JobPaths paths = host.paths();
    // The default shell is looked up once to choose it and once to run it: one PATH walk.
    Lookups found = new Lookups(host);
    String script;
    ShellCommand shell;
    String dir;
    if (step.uses() != null) {
      if (!CheckoutScript.isCheckout(step.uses())) {
        throw new CiException(
            ErrorCode.PERMANENT,
            "uses: " + step.uses() + " is not supported yet (actions/checkout is built in)");
      }
      Map<String, String> with = new LinkedHashMap<>();
      if (step.with() != null) {
        for (var e : step.with().entrySet()) {
          with.put(e.getKey(), ctx.render(e.getValue(), env));
        }
      }
      String target = checkoutTarget(paths.workspace(), with.getOrDefault("path", ""));
      script = CheckoutScript.render(with, repository, target);
      shell = ShellCommand.resolve("sh", name -> true);
      dir = paths.workspace();
    } else {
      script = ctx.render(step.run(), env);
      String shellName = step.shell() != null ? step.shell() : defaults.shell();
      String wd =
          step.workingDirectory() != null ? step.workingDirectory() : defaults.workingDirectory();
      dir = join(paths.workspace(), ctx.render(wd == null ? "" : wd, env));
      String where = dir;
      try {
        shell =
            ShellCommand.resolve(
                shellName, n -> uncheck(() -> found.find(n, path, where).isPresent()));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    if (!host.files().isDirectory(dir)) {
      throw new CiException(ErrorCode.PERMANENT, "working-directory " + dir + " does not exist");
    }
    String program =
        found
            .find(shell.executable(), path, dir)
            .orElseThrow(
                () ->
                    new CiException(
                        ErrorCode.PERMANENT,
                        "shell '" + shell.executable() + "' was not found on PATH"));
    String scriptPath = JobPaths.join(paths.temp(), id + shell.extension());
    List<String> argv = new ArrayList<>(shell.argvFor(scriptPath));
    argv.set(0, program);
    return new StepScript(argv, dir, scriptPath, script.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code Path.Combine(workspace, dir)}: an absolute {@code dir} replaces the workspace. */
  static String join(String workspace, String dir) {
    return Path.of(workspace).resolve(dir == null ? "" : dir).normalize().toString();
  }

  private static String checkoutTarget(String workspace, String relative) {
    Path root = Path.of(workspace);
    Path p = root.resolve(relative).normalize();
    if (!p.startsWith(root)) {
      throw new CiException(
          ErrorCode.INVALID_SPEC,
          "actions/checkout: repository path '" + relative + "' is not under '" + workspace + "'");
    }
    return p.toString();
  }

  /** The host's {@link JobHost#findExecutable} answers of one step's preparation, kept. */
  private static final class Lookups {
    private final JobHost host;
    private final Map<List<String>, Optional<String>> answers = new HashMap<>();

    Lookups(JobHost host) {
      this.host = host;
    }

    Optional<String> find(String name, String path, String dir) throws IOException {
      List<String> key = List.of(name, path, dir);
      Optional<String> answer = answers.get(key);
      if (answer == null) {
        answer = host.findExecutable(name, path, dir);
        answers.put(key, answer);
      }
      return answer;
    }
  }

  private interface IoCheck {
    boolean get() throws IOException;
  }

  private static boolean uncheck(IoCheck check) {
    try {
      return check.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
