package dev.pipewright.executor.host.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends signals to process groups. Java cannot signal a group, and starting {@code kill} for every
 * step's group at the end of its job cost several milliseconds of CPU, as much as the trivial step
 * itself; so one long-lived bash per worker does it with its builtin {@code kill}, one line per
 * signal, answering each line once it is sent. Where that shell is missing or dies, a {@code kill}
 * process is started as before.
 *
 * <p>The same shell keeps the worker's step groups from outliving it: each running step's group is
 * {@link #watch watched}, and when the shell's input ends (the worker died, even by {@code kill
 * -9}) it kills every group still watched. Without it a step started under {@code setsid} runs on
 * after its worker is gone, and its successor runs the step again beside it.
 */
final class GroupSignals {
  private static final Logger log = LoggerFactory.getLogger(GroupSignals.class);

  /**
   * {@code watch PGID} is remembered without an answer; a signal is sent and answered, even for a
   * group that is gone, and KILL forgets the group. At the end of input every watched group is
   * killed.
   */
  private static final String LOOP =
      String.join(
          "\n",
          "declare -A watched",
          "while read -r sig group; do",
          "  if [ \"$sig\" = watch ]; then watched[$group]=1; continue; fi",
          "  kill -s \"$sig\" -- \"-$group\" 2>/dev/null",
          "  [ \"$sig\" = KILL ] && unset \"watched[$group]\"",
          "  echo .",
          "done",
          "for group in \"${!watched[@]}\"; do kill -s KILL -- \"-$group\" 2>/dev/null; done");

  private static final Optional<Path> BASH = Executables.onWorkerPath("bash");
  private static final String KILL =
      Executables.onWorkerPath("kill").map(Path::toString).orElse("kill");

  static final GroupSignals SHARED = new GroupSignals();

  private Process shell;
  private Writer requests;
  private BufferedReader answers;

  GroupSignals() {}

  /**
   * Sends {@code signal} (a name such as TERM or KILL) to every process in group {@code pgid}; a
   * group that is already gone is fine. Returns once the signal is sent.
   */
  synchronized void signal(long pgid, String signal) {
    if (pgid <= 1) {
      // kill -- -1 would reach every process the worker may signal.
      throw new IllegalArgumentException("not a step's process group: " + pgid);
    }
    if (ready()) {
      try {
        requests.write(signal + " " + pgid + "\n");
        requests.flush();
        if (answers.readLine() != null) {
          return;
        }
      } catch (IOException e) {
        log.debug("signal shell failed: {}", e.toString());
      }
      stop();
    }
    spawnKill(pgid, signal);
  }

  /**
   * Has the shell kill group {@code pgid} should the worker die before the group is signalled KILL
   * (as every job's groups are when the job is released). Without bash nothing guards the group.
   */
  synchronized void watch(long pgid) {
    if (pgid <= 1 || !ready()) {
      return;
    }
    try {
      requests.write("watch " + pgid + "\n");
      requests.flush();
    } catch (IOException e) {
      log.warn("process group {} is not guarded against the worker's death: {}", pgid, e);
      stop();
    }
  }

  /** Starts the shell unless it runs; false where there is no bash or it cannot start. */
  synchronized boolean ready() {
    if (BASH.isEmpty()) {
      return false;
    }
    if (shell == null || !shell.isAlive()) {
      try {
        start(BASH.get());
      } catch (IOException e) {
        log.warn("the signal shell did not start: {}", e.toString());
        return false;
      }
    }
    return true;
  }

  /**
   * Ends the shell's input, as the worker's death does, so it kills the groups it still watches;
   * the next call starts another shell.
   */
  synchronized void stop() {
    if (shell != null) {
      try {
        requests.close();
        if (!shell.waitFor(5, TimeUnit.SECONDS)) {
          shell.destroyForcibly();
        }
      } catch (IOException e) {
        shell.destroyForcibly();
      } catch (InterruptedException e) {
        shell.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      shell = null;
    }
  }

  private void start(Path bash) throws IOException {
    shell =
        new ProcessBuilder(bash.toString(), "--noprofile", "--norc", "-c", LOOP)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    requests = new OutputStreamWriter(shell.getOutputStream(), StandardCharsets.US_ASCII);
    answers =
        new BufferedReader(
            new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
  }

  private static void spawnKill(long pgid, String signal) {
    try {
      Process kill =
          new ProcessBuilder(KILL, "-s", signal, "--", "-" + pgid)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(5, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
      }
    } catch (IOException e) {
      log.warn("could not signal process group {}: {}", pgid, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
