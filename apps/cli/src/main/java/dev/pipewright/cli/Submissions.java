package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.CancelBuildRequest;
import dev.pipewright.api.ci.v1.GetBuildRequest;
import dev.pipewright.api.ci.v1.StartPipelineBuildResponse;
import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.cli.view.BuildJson;
import dev.pipewright.cli.view.BuildState;
import dev.pipewright.cli.view.Style;
import dev.pipewright.models.BuildStatus;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What {@code submit} and {@code demo} do once a build was started: report it, maybe follow it. */
final class Submissions {
  private static final Duration CANCEL_WAIT = Duration.ofSeconds(8);

  private Submissions() {}

  /**
   * Prints the new build (JSON {@code {"id", "number", "status"}} or a line) and, with {@code
   * follow}, shows it live (on stderr when the result is JSON) and then the final build.
   *
   * @return the exit code: 0 when submitted (following: when it succeeded), else 1
   */
  static int report(
      ApiClient api,
      StartPipelineBuildResponse started,
      boolean follow,
      OutputOptions output,
      PrintWriter out,
      PrintWriter err)
      throws InterruptedException {
    String id = started.getBuildId();
    if (!follow) {
      if (output.json()) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("number", started.getNumber());
        json.put("status", BuildStatus.forNumber(started.getStatusValue()).name());
        ClientCommand.printJsonTo(out, json);
      } else {
        out.println(
            "build "
                + id
                + " #"
                + started.getNumber()
                + " "
                + Style.word(BuildStatus.forNumber(started.getStatusValue())));
      }
      return ExitCodes.OK;
    }
    PrintWriter progressOut = output.json() ? err : out;
    progressOut.println("build " + id + " #" + started.getNumber() + " submitted");
    return follow(api, id, output, out, err);
  }

  /**
   * Shows the build live until it ends (on stderr when the result is JSON), cancelling it on
   * Ctrl-C, then prints the final build as JSON if asked.
   *
   * @return 0 when it succeeded, else 1
   */
  static int follow(
      ApiClient api, String id, OutputOptions output, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    PrintWriter progressOut = output.json() ? err : out;
    progressOut.flush();
    LiveProgress progress =
        new LiveProgress(
            progressOut,
            !output.json() && output.live(),
            Duration.ofMillis(250),
            Clock.systemUTC());
    BuildState last;
    CancelOnInterrupt onInterrupt = new CancelOnInterrupt(() -> cancel(api, id, err));
    try {
      last = RemoteFollow.follow(api, id, progress);
    } finally {
      onInterrupt.close();
    }
    if (output.json()) {
      ClientCommand.printJsonTo(out, BuildJson.build(last, true));
    }
    return last.status() == BuildStatus.SUCCEEDED ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private static void cancel(ApiClient api, String id, PrintWriter err) {
    err.println();
    err.println("pipewright: interrupted, cancelling build " + id);
    err.flush();
    try {
      api.call()
          .withDeadlineAfter(3, TimeUnit.SECONDS)
          .cancelBuild(
              CancelBuildRequest.newBuilder()
                  .setBuildId(id)
                  .setReason("interrupted (Ctrl-C)")
                  .build());
      // Wait a little for the worker to stop the jobs, so the last word is the build's end.
      long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        BuildStatus status =
            BuildStatus.forNumber(
                api.call()
                    .getBuild(GetBuildRequest.newBuilder().setBuildId(id).build())
                    .getStatusValue());
        if (status.terminal()) {
          err.println("pipewright: build " + id + " " + Style.word(status));
          break;
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      err.println("pipewright: could not cancel build " + id + ": " + e.getMessage());
      err.flush();
    }
  }
}
