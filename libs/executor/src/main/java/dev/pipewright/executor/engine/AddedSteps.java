package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.StepResult;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The steps actions add to a job, around its own: the pre steps of its JavaScript actions before
 * its first step (JobExtension.cs, {@code Pre <step>}, under {@code pre-if}, GitHub's default
 * {@code always()}), and the post steps its steps registered ({@link PostSteps}) after its last, in
 * reverse order, each under its {@code post-if} against the job's status, also after a failure or a
 * cancel ({@code Post <step>}). Each is reported as a step of its own, numbered after the job's
 * steps in the order they run, with its own log stream; a failed one fails the job, as on GitHub.
 */
final class AddedSteps {
  private final JobScope scope;
  private final JobContext ctx;
  private final StepDriver driver;
  private final ActionStages actions;
  private final JobEngine.Progress progress;
  private final Checkpoints checkpoints;
  private int next;
  private ErrorCode firstCode;
  private String firstMessage;

  /**
   * @param firstNumber the number of the first added step: the job's step count + 1, after those an
   *     earlier worker ran
   * @param checkpoints told of each added step as it starts
   */
  AddedSteps(
      JobScope scope,
      JobContext ctx,
      StepDriver driver,
      ActionStages actions,
      JobEngine.Progress progress,
      int firstNumber,
      Checkpoints checkpoints) {
    this.scope = scope;
    this.ctx = ctx;
    this.driver = driver;
    this.actions = actions;
    this.progress = progress;
    this.checkpoints = checkpoints;
    this.next = firstNumber;
  }

  /** The pre steps of the job's actions that have one, in the order of their steps. */
  void runPre(List<StepSpec> steps) throws IOException {
    for (StepSpec step : steps) {
      Map<String, String> env;
      try {
        env = ctx.layerEnv(driver.env(), step.env());
      } catch (ExpressionException e) {
        // The step itself fails with it when it is reached.
        continue;
      }
      Optional<ActionLoader.Loaded> action = actions.withPre(step, ctx, env);
      if (action.isEmpty()) {
        continue;
      }
      String preIf = action.get().spec().runs().preIf();
      String name = NodeActions.Stage.PRE.stepName(StepFields.displayName(step, ctx, env));
      Map<String, String> state = driver.stageState(step.index() + 1);
      run(
          name,
          preIf == null ? "always()" : preIf,
          env,
          (log, survives) -> actions.pre(step, action.get(), state, ctx, env, log, survives));
    }
  }

  /** The registered post steps, the last registered first. */
  void runPost(PostSteps posts) throws IOException {
    PostSteps.Post post;
    while ((post = posts.next()) != null) {
      run(post.saved().displayName(), post.saved().condition(), driver.env(), post.body());
    }
  }

  /** The first error of an added step, or null. */
  ErrorCode firstCode() {
    return firstCode;
  }

  String firstMessage() {
    return firstMessage;
  }

  private void run(String name, String condition, Map<String, String> env, PostSteps.Body body)
      throws IOException {
    int number = next++;
    checkpoints.addedStepStarting();
    boolean underCancel = scope.cancellation().requested();
    if (underCancel) {
      ctx.markCancelled();
    }
    boolean runIt;
    boolean survives;
    try {
      runIt = ctx.test(condition, env);
      survives = runIt && (underCancel || ctx.survivesCancel(condition, env));
    } catch (ExpressionException e) {
      finished(number, name, fail(number, name, "if: " + e.getMessage()));
      return;
    }
    if (!runIt) {
      finished(number, name, StepResult.notRun(StepStatus.SKIPPED));
      return;
    }
    progress.addedStepStarted(number, scope.masker().mask(name));
    LogChunker log = scope.log(number);
    scope.ticker().register(log);
    StepResult result;
    try {
      result = body.run(log, survives).result();
    } catch (CiException e) {
      log.runnerLine("##[error]" + e.getMessage());
      result = StepOutcome.failed(e.code(), e.getMessage()).result();
    } catch (ExpressionException | IllegalArgumentException e) {
      log.runnerLine("##[error]" + e.getMessage());
      result = StepOutcome.failed(ErrorCode.INVALID_SPEC, e.getMessage()).result();
    } finally {
      scope.ticker().unregister(log);
      log.close();
    }
    finished(number, name, result.withLogFailure(log.failure()));
  }

  private StepResult fail(int number, String name, String message) {
    try (LogChunker log = scope.log(number)) {
      log.runnerLine("##[error]" + name + " " + message);
    }
    return StepOutcome.failed(ErrorCode.INVALID_SPEC, message).result();
  }

  private void finished(int number, String name, StepResult result) {
    if ("failure".equals(result.conclusion())) {
      ctx.markFailed();
      if (firstCode == null) {
        firstCode = result.errorCode();
        firstMessage = result.errorMessage();
      }
    }
    StepResult masked = new StepOutcome(result, Map.of()).masked(scope.masker());
    progress.addedStepFinished(number, scope.masker().mask(name), masked);
  }
}
