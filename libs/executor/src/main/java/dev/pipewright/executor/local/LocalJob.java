package dev.pipewright.executor.local;

import dev.pipewright.executor.Annotation;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.SecretMasker;
import dev.pipewright.executor.StepResult;
import dev.pipewright.executor.program.CheckoutScript;
import dev.pipewright.executor.program.CommandFiles;
import dev.pipewright.executor.program.HashFiles;
import dev.pipewright.executor.program.JobContext;
import dev.pipewright.executor.program.ShellCommand;
import dev.pipewright.executor.program.WorkflowCommands;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.spec.RunDefaults;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One job instance on the local runner: its state, and the thread body that runs its steps. */
final class LocalJob implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LocalJob.class);
  private static final int MAX_SUMMARY_CHARS = 1 << 20;

  private final JobRun run;
  private final LocalRunnerConfig config;
  private final LogSink sink;
  private final LogTicker ticker;
  private final Path workspace;
  private final Path runnerDir;
  private final List<StepSpec> steps;

  private final Object lock = new Object();
  private volatile RunObserver observer;
  private JobSnapshot.Phase phase = JobSnapshot.Phase.QUEUED;
  private final StepStatus[] stepStatus;
  private int currentStep;
  private JobResult result;
  private boolean cancelRequested;
  private StepProcess current;
  private boolean currentRunsUnderCancel;
  private boolean killedByCancel;
  private final List<Long> processGroups = new ArrayList<>();
  private final CompletableFuture<JobResult> done = new CompletableFuture<>();

  // Job-thread state.
  private SecretMasker masker;
  private JobContext ctx;
  private final Map<String, String> fileEnv = new LinkedHashMap<>();
  private final List<String> pathAdditions = new ArrayList<>();
  private long jobDeadline;
  private boolean jobTimedOut;
  private Duration jobTimeout;

  LocalJob(
      JobRun run,
      LocalRunnerConfig config,
      LogSink sink,
      LogTicker ticker,
      Path workspace,
      Path runnerDir,
      RunObserver observer) {
    this.run = run;
    this.config = config;
    this.sink = sink;
    this.ticker = ticker;
    this.workspace = workspace;
    this.runnerDir = runnerDir;
    this.observer = observer;
    this.steps = run.job().steps() == null ? List.of() : run.job().steps();
    this.stepStatus = new StepStatus[steps.size()];
    Arrays.fill(stepStatus, StepStatus.PENDING);
  }

  JobRun jobRun() {
    return run;
  }

  JobRef ref() {
    return run.ref();
  }

  CompletableFuture<JobResult> done() {
    return done;
  }

  void observe(RunObserver o) {
    this.observer = o == null ? RunObserver.NONE : o;
  }

  JobSnapshot snapshot() {
    synchronized (lock) {
      return new JobSnapshot(run.ref(), phase, Arrays.asList(stepStatus), currentStep, result);
    }
  }

  /**
   * First call only: a queued job finishes CANCELLED at once; a running one has its current process
   * tree terminated (unless that step runs because of {@code always()}/{@code cancelled()}), and
   * its remaining steps see {@code cancelled()}.
   */
  void cancel() {
    StepProcess victim = null;
    boolean wasQueued;
    synchronized (lock) {
      if (cancelRequested || phase == JobSnapshot.Phase.FINISHED) {
        return;
      }
      cancelRequested = true;
      wasQueued = phase == JobSnapshot.Phase.QUEUED;
      if (wasQueued) {
        // Claimed here so the pool thread, when it gets to it, does nothing.
        phase = JobSnapshot.Phase.RUNNING;
      } else if (current != null && !currentRunsUnderCancel) {
        victim = current;
        killedByCancel = true;
      }
    }
    if (wasQueued) {
      for (int i = 0; i < steps.size(); i++) {
        setStep(i + 1, StepStatus.CANCELLED);
        notifyStepFinished(i + 1, StepResult.notRun(StepStatus.CANCELLED));
      }
      finish(
          new JobResult(
              JobStatus.CANCELLED, Map.of(), ErrorCode.CANCELLED, "The run was cancelled."));
      return;
    }
    if (victim != null) {
      StepProcess p = victim;
      Thread.ofVirtual()
          .name("cancel-" + run.ref())
          .start(
              () -> {
                try {
                  p.terminate(config.killGrace());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    }
  }

  private boolean cancelRequested() {
    synchronized (lock) {
      return cancelRequested;
    }
  }

  @Override
  public void run() {
    synchronized (lock) {
      if (phase != JobSnapshot.Phase.QUEUED) {
        return;
      }
      phase = JobSnapshot.Phase.RUNNING;
    }
    safely(o -> o.jobStarted(run.ref()));
    JobResult outcome;
    try {
      outcome = execute();
    } catch (RuntimeException | IOException e) {
      log.error("job {} failed in the runner", run.ref(), e);
      CiException ci =
          e instanceof IOException
              ? new CiException(ErrorCode.TRANSIENT, "local runner I/O failure: " + e, e)
              : CiException.from(e);
      for (int i = 0; i < steps.size(); i++) {
        if (!stepStatus[i].terminal()) {
          setStep(i + 1, StepStatus.CANCELLED);
          notifyStepFinished(i + 1, StepResult.notRun(StepStatus.CANCELLED));
        }
      }
      outcome = new JobResult(JobStatus.FAILED, Map.of(), ci.code(), mask(ci.getMessage()));
    } finally {
      cleanUp();
    }
    finish(outcome);
  }

  private JobResult execute() throws IOException {
    masker = new SecretMasker(run.secrets().values());
    Path temp = runnerDir.resolve("temp");
    Files.createDirectories(workspace);
    Files.createDirectories(temp);
    Map<String, Object> runnerContext = new LinkedHashMap<>();
    runnerContext.put("os", "Linux");
    runnerContext.put("arch", arch());
    runnerContext.put("name", config.runnerName());
    runnerContext.put("temp", temp.toString());
    runnerContext.put("tool_cache", config.workspaceRoot().resolve(".tool-cache").toString());
    runnerContext.put("environment", "self-hosted");
    Function<List<String>, String> hash = patterns -> HashFiles.compute(workspace, patterns);
    ctx = new JobContext(run, workspace.toString(), runnerContext, hash);

    Map<String, String> jobEnv;
    try {
      jobEnv = ctx.layerEnv(ctx.layerEnv(Map.of(), run.workflow().env()), run.job().env());
      Duration declared = ctx.minutes(run.job().timeoutMinutes(), jobEnv);
      jobTimeout = declared == null ? JobRun.DEFAULT_JOB_TIMEOUT : declared;
      if (run.maxTimeout() != null && run.maxTimeout().compareTo(jobTimeout) < 0) {
        jobTimeout = run.maxTimeout();
      }
    } catch (ExpressionException | IllegalArgumentException e) {
      String message = "job " + run.job().id() + ": " + e.getMessage();
      jobLog("##[error]" + message);
      for (int i = 0; i < steps.size(); i++) {
        setStep(i + 1, StepStatus.SKIPPED);
        notifyStepFinished(i + 1, StepResult.notRun(StepStatus.SKIPPED));
      }
      return new JobResult(JobStatus.FAILED, Map.of(), ErrorCode.INVALID_SPEC, mask(message));
    }
    jobDeadline = System.nanoTime() + jobTimeout.toNanos();

    ErrorCode firstCode = null;
    String firstMessage = null;
    for (int i = 0; i < steps.size(); i++) {
      StepSpec step = steps.get(i);
      int number = i + 1;
      Map<String, String> env = new LinkedHashMap<>(jobEnv);
      env.putAll(fileEnv);
      if (!jobTimedOut && System.nanoTime() - jobDeadline >= 0) {
        jobTimedOut = true;
      }
      if (jobTimedOut) {
        finishNotRun(step, number, StepStatus.CANCELLED);
        continue;
      }
      boolean underCancel = cancelRequested();
      if (underCancel) {
        ctx.markCancelled();
      }
      boolean runIt;
      try {
        runIt = ctx.test(step.ifCondition(), env);
      } catch (ExpressionException e) {
        StepOutcome failed =
            StepOutcome.failed(
                ErrorCode.INVALID_SPEC, "step " + number + " if: " + e.getMessage(), null);
        stepLog(number, "##[error]" + failed.result.errorMessage());
        ctx.recordStep(step.id(), "failure", "failure", Map.of());
        setStep(number, StepStatus.FAILED);
        notifyStepFinished(number, maskResult(failed.result));
        if (firstCode == null) {
          firstCode = ErrorCode.INVALID_SPEC;
          firstMessage = failed.result.errorMessage();
        }
        continue;
      }
      if (!runIt) {
        finishNotRun(step, number, underCancel ? StepStatus.CANCELLED : StepStatus.SKIPPED);
        continue;
      }
      synchronized (lock) {
        currentStep = number;
        stepStatus[i] = StepStatus.RUNNING;
      }
      String name = mask(displayName(step, env));
      safely(o -> o.stepStarted(run.ref(), number, name));
      StepOutcome out = runStep(step, number, env, underCancel);
      StepResult r = out.result;
      ctx.recordStep(step.id(), r.outcome(), r.conclusion(), out.rawOutputs);
      if (r.errorCode() != null && "failure".equals(r.conclusion()) && firstCode == null) {
        firstCode = r.errorCode();
        firstMessage = r.errorMessage();
      }
      synchronized (lock) {
        currentStep = 0;
        stepStatus[i] = r.status();
      }
      notifyStepFinished(number, maskResult(r));
    }

    Map<String, String> env = new LinkedHashMap<>(jobEnv);
    env.putAll(fileEnv);
    Map<String, String> outputs = new LinkedHashMap<>();
    try {
      ctx.outputs(run.job().outputs(), env).forEach((k, v) -> outputs.put(k, mask(v)));
    } catch (ExpressionException e) {
      String message = "job outputs: " + e.getMessage();
      jobLog("##[error]" + message);
      if (firstCode == null) {
        firstCode = ErrorCode.INVALID_SPEC;
        firstMessage = message;
      }
      ctx.markFailed();
    }
    if (cancelRequested()) {
      return new JobResult(
          JobStatus.CANCELLED, outputs, ErrorCode.CANCELLED, "The run was cancelled.");
    }
    if (jobTimedOut) {
      return new JobResult(
          JobStatus.FAILED,
          outputs,
          ErrorCode.TIMEOUT,
          "The job has exceeded the maximum execution time of " + describe(jobTimeout) + ".");
    }
    if (ctx.state().failed() || firstCode != null) {
      return new JobResult(JobStatus.FAILED, outputs, firstCode, mask(firstMessage));
    }
    return new JobResult(JobStatus.SUCCEEDED, outputs, null, null);
  }

  private void finishNotRun(StepSpec step, int number, StepStatus status) {
    StepResult r = StepResult.notRun(status);
    ctx.recordStep(step.id(), r.outcome(), r.conclusion(), Map.of());
    setStep(number, status);
    notifyStepFinished(number, r);
  }

  /** What a run step produced; {@code rawOutputs} unmasked, for the steps context only. */
  private record StepOutcome(StepResult result, Map<String, String> rawOutputs) {
    static StepOutcome failed(ErrorCode code, String message, Integer exitCode) {
      ErrorCode c = code;
      String word = c == ErrorCode.CANCELLED ? "cancelled" : "failure";
      StepStatus status = c == ErrorCode.CANCELLED ? StepStatus.CANCELLED : StepStatus.FAILED;
      return new StepOutcome(
          new StepResult(status, exitCode, word, word, Map.of(), c, message, List.of(), null),
          Map.of());
    }
  }

  private StepOutcome runStep(
      StepSpec step, int number, Map<String, String> env, boolean underCancel) throws IOException {
    LogChunker chunker =
        new LogChunker(
            sink,
            run.ref(),
            number,
            run.logCursor(number),
            masker,
            config.logMaxChars(),
            config.logMaxDelay(),
            System::nanoTime,
            LogChunker.VIRTUAL_THREADS);
    ticker.register(chunker);
    try {
      StepOutcome out = execStep(step, number, env, underCancel, chunker);
      StepResult r = out.result;
      if (r.status() == StepStatus.FAILED && r.errorMessage() != null) {
        chunker.line("##[error]" + r.errorMessage());
      } else if (r.status() == StepStatus.CANCELLED) {
        chunker.line("##[error]The operation was canceled.");
      }
      boolean continueOnError = false;
      if (r.status() == StepStatus.FAILED) {
        try {
          continueOnError = ctx.flag(step.continueOnError(), env);
        } catch (ExpressionException e) {
          chunker.line("##[error]continue-on-error: " + e.getMessage());
        }
      }
      if (continueOnError) {
        r =
            new StepResult(
                StepStatus.SUCCEEDED,
                r.exitCode(),
                "failure",
                "success",
                r.outputs(),
                r.errorCode(),
                r.errorMessage(),
                r.annotations(),
                r.summary());
        return new StepOutcome(r, out.rawOutputs);
      }
      return out;
    } finally {
      ticker.unregister(chunker);
      chunker.close();
    }
  }

  private StepOutcome execStep(
      StepSpec step, int number, Map<String, String> env, boolean underCancel, LogChunker chunker)
      throws IOException {
    Map<String, String> stepEnv;
    String script;
    ShellCommand shell;
    Path dir;
    Duration stepTimeout;
    try {
      stepEnv = ctx.layerEnv(env, step.env());
      RunDefaults defaults = defaults();
      if (step.uses() != null) {
        if (!CheckoutScript.isCheckout(step.uses())) {
          return StepOutcome.failed(
              ErrorCode.PERMANENT,
              "uses: " + step.uses() + " is not supported by the local runner yet",
              null);
        }
        Map<String, String> with = new LinkedHashMap<>();
        if (step.with() != null) {
          for (var e : step.with().entrySet()) {
            with.put(e.getKey(), ctx.render(e.getValue(), stepEnv));
          }
        }
        Path target = insideWorkspace(with.getOrDefault("path", ""), "with.path");
        script = CheckoutScript.render(with, run.repository(), target.toString());
        shell = ShellCommand.resolve("sh", name -> true);
        dir = workspace;
      } else {
        script = ctx.render(step.run(), stepEnv);
        String shellName = step.shell() != null ? step.shell() : defaults.shell();
        String path = effectivePath(stepEnv);
        shell =
            ShellCommand.resolve(shellName, n -> Executables.find(n, path, workspace).isPresent());
        String wd =
            step.workingDirectory() != null ? step.workingDirectory() : defaults.workingDirectory();
        dir = insideWorkspace(ctx.render(wd == null ? "" : wd, stepEnv), "working-directory");
      }
      stepTimeout = ctx.minutes(step.timeoutMinutes(), stepEnv);
    } catch (ExpressionException | IllegalArgumentException e) {
      return StepOutcome.failed(ErrorCode.INVALID_SPEC, e.getMessage(), null);
    } catch (CiException e) {
      return StepOutcome.failed(e.code(), e.getMessage(), null);
    }
    if (!Files.isDirectory(dir)) {
      return StepOutcome.failed(
          ErrorCode.PERMANENT,
          "working-directory " + workspace.relativize(dir) + " does not exist",
          null);
    }

    // Beside the job's other runner files: a directory per step costs a mkdir and an rmdir, a
    // noticeable share of a trivial step.
    String prefix = "step-" + number + "-" + run.attempt() + ".";
    Path envFile = emptyFile(runnerDir.resolve(prefix + "env"));
    Path outputFile = emptyFile(runnerDir.resolve(prefix + "output"));
    Path pathFile = emptyFile(runnerDir.resolve(prefix + "path"));
    Path summaryFile = emptyFile(runnerDir.resolve(prefix + "summary"));
    Path scriptFile =
        runnerDir
            .resolve("temp")
            .resolve("step-" + number + "-" + run.attempt() + shell.extension());
    Files.writeString(scriptFile, script, StandardCharsets.UTF_8);

    Map<String, String> processEnv = new LinkedHashMap<>();
    for (String name : config.inheritedEnv()) {
      String v = System.getenv(name);
      if (v != null) {
        processEnv.put(name, v);
      }
    }
    processEnv.putAll(ctx.defaultEnv());
    processEnv.putAll(stepEnv);
    processEnv.put("PATH", effectivePath(stepEnv));
    processEnv.put("GITHUB_ACTION", step.id() != null ? step.id() : "__run_" + number);
    processEnv.put("GITHUB_ENV", envFile.toString());
    processEnv.put("GITHUB_OUTPUT", outputFile.toString());
    processEnv.put("GITHUB_PATH", pathFile.toString());
    processEnv.put("GITHUB_STEP_SUMMARY", summaryFile.toString());

    var executable = Executables.find(shell.executable(), processEnv.get("PATH"), dir);
    if (executable.isEmpty()) {
      return StepOutcome.failed(
          ErrorCode.PERMANENT, "shell '" + shell.executable() + "' was not found on PATH", null);
    }
    List<String> argv = new ArrayList<>(shell.argvFor(scriptFile.toString()));
    argv.set(0, executable.get().toString());

    WorkflowCommands commands = new WorkflowCommands(masker);
    StepProcess process;
    synchronized (lock) {
      if (cancelRequested && !underCancel) {
        return StepOutcome.failed(ErrorCode.CANCELLED, "The operation was canceled.", null);
      }
      process =
          StepProcess.start(argv, dir, processEnv, line -> chunker.line(commands.process(line)));
      current = process;
      currentRunsUnderCancel = underCancel;
      killedByCancel = false;
      if (process.processGroup() > 0) {
        processGroups.add(process.processGroup());
      }
    }
    long now = System.nanoTime();
    long stepDeadline = stepTimeout == null ? Long.MAX_VALUE : now + stepTimeout.toNanos();
    boolean stepLimitFirst = stepTimeout != null && stepDeadline - jobDeadline < 0;
    long deadline = stepLimitFirst ? stepDeadline : jobDeadline;
    ErrorCode killed = null;
    try {
      if (!process.waitFor(Duration.ofNanos(Math.max(0, deadline - now)))) {
        process.terminate(config.killGrace());
        if (stepLimitFirst) {
          killed = ErrorCode.TIMEOUT;
        } else {
          jobTimedOut = true;
          killed = ErrorCode.CANCELLED;
        }
      }
      process.drain(config.outputDrainGrace());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      terminateQuietly(process);
      throw new CiException(ErrorCode.TRANSIENT, "the local runner was interrupted", e);
    }
    boolean cancelled;
    synchronized (lock) {
      current = null;
      cancelled = killedByCancel;
    }

    Map<String, String> outputs = new LinkedHashMap<>(commands.legacyOutputs());
    String summary = null;
    String fileError = null;
    try {
      fileEnv.putAll(CommandFiles.parseKeyValues(read(envFile), "GITHUB_ENV"));
      outputs.putAll(CommandFiles.parseKeyValues(read(outputFile), "GITHUB_OUTPUT"));
      for (String p : CommandFiles.parsePath(read(pathFile))) {
        pathAdditions.addFirst(p);
      }
      String s = read(summaryFile);
      summary = s.isEmpty() ? null : s.substring(0, Math.min(s.length(), MAX_SUMMARY_CHARS));
    } catch (CommandFiles.FormatException e) {
      fileError = e.getMessage();
    } finally {
      for (Path f : List.of(envFile, outputFile, pathFile, summaryFile)) {
        Files.deleteIfExists(f);
      }
    }
    List<Annotation> annotations = commands.annotations();
    Integer exit = process.isAlive() ? null : process.exitValue();
    StepResult r;
    if (cancelled) {
      r =
          result(
              StepStatus.CANCELLED,
              exit,
              "cancelled",
              outputs,
              ErrorCode.CANCELLED,
              "The operation was canceled.",
              annotations,
              summary);
    } else if (killed == ErrorCode.TIMEOUT) {
      r =
          result(
              StepStatus.FAILED,
              exit,
              "failure",
              outputs,
              ErrorCode.TIMEOUT,
              "The step has timed out after " + describe(stepTimeout) + ".",
              annotations,
              summary);
    } else if (killed != null) {
      r =
          result(
              StepStatus.CANCELLED,
              exit,
              "cancelled",
              outputs,
              ErrorCode.TIMEOUT,
              "The job has exceeded the maximum execution time of " + describe(jobTimeout) + ".",
              annotations,
              summary);
    } else if (exit != null && exit != 0) {
      r =
          result(
              StepStatus.FAILED,
              exit,
              "failure",
              outputs,
              ErrorCode.PERMANENT,
              "Process completed with exit code " + exit + ".",
              annotations,
              summary);
    } else if (fileError != null) {
      r =
          result(
              StepStatus.FAILED,
              exit,
              "failure",
              outputs,
              ErrorCode.PERMANENT,
              fileError,
              annotations,
              summary);
    } else {
      r = result(StepStatus.SUCCEEDED, exit, "success", outputs, null, null, annotations, summary);
    }
    return new StepOutcome(r, outputs);
  }

  private static StepResult result(
      StepStatus status,
      Integer exit,
      String word,
      Map<String, String> outputs,
      ErrorCode code,
      String message,
      List<Annotation> annotations,
      String summary) {
    return new StepResult(status, exit, word, word, outputs, code, message, annotations, summary);
  }

  private RunDefaults defaults() {
    RunDefaults wf =
        run.workflow().defaults() == null ? RunDefaults.NONE : run.workflow().defaults();
    RunDefaults job = run.job().defaults() == null ? RunDefaults.NONE : run.job().defaults();
    return job.over(wf);
  }

  /** PATH as the step sees it: {@code $GITHUB_PATH} entries (latest first) before its own. */
  private String effectivePath(Map<String, String> stepEnv) {
    String base = stepEnv.getOrDefault("PATH", System.getenv("PATH"));
    if (pathAdditions.isEmpty()) {
      return base == null ? "" : base;
    }
    String added = String.join(":", pathAdditions);
    return base == null || base.isEmpty() ? added : added + ":" + base;
  }

  private Path insideWorkspace(String relative, String what) {
    Path p = workspace.resolve(relative == null ? "" : relative).normalize();
    if (!p.startsWith(workspace)) {
      throw new CiException(
          ErrorCode.INVALID_SPEC, what + " '" + relative + "' is outside the workspace");
    }
    return p;
  }

  private static Path emptyFile(Path p) throws IOException {
    Files.writeString(p, "");
    return p;
  }

  private static String read(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
  }

  private String displayName(StepSpec step, Map<String, String> env) {
    if (step.name() == null) {
      return step.displayName();
    }
    try {
      return ctx.render(step.name(), env);
    } catch (ExpressionException e) {
      return step.name();
    }
  }

  private StepResult maskResult(StepResult r) {
    Map<String, String> outputs = new LinkedHashMap<>();
    r.outputs().forEach((k, v) -> outputs.put(k, mask(v)));
    return new StepResult(
        r.status(),
        r.exitCode(),
        r.outcome(),
        r.conclusion(),
        outputs,
        r.errorCode(),
        mask(r.errorMessage()),
        r.annotations(),
        mask(r.summary()));
  }

  private String mask(String s) {
    return masker == null || s == null ? s : masker.mask(s);
  }

  private void stepLog(int number, String line) {
    try (LogChunker c = new LogChunker(sink, run.ref(), number, run.logCursor(number), masker)) {
      c.line(line);
    }
  }

  private void jobLog(String line) {
    stepLog(0, line);
  }

  private void setStep(int number, StepStatus status) {
    synchronized (lock) {
      stepStatus[number - 1] = status;
    }
  }

  private void notifyStepFinished(int number, StepResult r) {
    safely(o -> o.stepFinished(run.ref(), number, r));
  }

  private void finish(JobResult r) {
    synchronized (lock) {
      phase = JobSnapshot.Phase.FINISHED;
      currentStep = 0;
      result = r;
    }
    safely(o -> o.jobFinished(run.ref(), r));
    done.complete(r);
  }

  private void safely(java.util.function.Consumer<RunObserver> call) {
    try {
      call.accept(observer);
    } catch (RuntimeException e) {
      log.warn("observer of {} threw; the runner carries on", run.ref(), e);
    }
  }

  /** Background processes die with their job, as on GitHub's runner. */
  private void cleanUp() {
    List<Long> groups;
    synchronized (lock) {
      groups = List.copyOf(processGroups);
    }
    for (long pgid : groups) {
      GroupSignals.SHARED.signal(pgid, "KILL");
    }
    try {
      LocalJobRunner.deleteTree(runnerDir.resolve("temp"));
    } catch (IOException e) {
      log.warn("could not clean {}: {}", runnerDir, e.toString());
    }
  }

  private static void terminateQuietly(StepProcess p) {
    try {
      p.terminate(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String arch() {
    String a = System.getProperty("os.arch", "");
    return switch (a) {
      case "amd64", "x86_64" -> "X64";
      case "aarch64", "arm64" -> "ARM64";
      default -> a.toUpperCase(java.util.Locale.ROOT);
    };
  }

  static String describe(Duration d) {
    long seconds = d.toSeconds();
    if (seconds % 60 == 0) {
      return (seconds / 60) + "m";
    }
    return d.toMillis() / 1000.0 + "s";
  }
}
