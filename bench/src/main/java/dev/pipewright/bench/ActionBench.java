package dev.pipewright.bench;

import dev.pipewright.actions.ActionResolver;
import dev.pipewright.actions.ActionSources;
import dev.pipewright.executor.InMemoryLogSink;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.models.JobStatus;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.ActionRef;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * What remote actions cost: resolving and keeping one ({@code owner/repo@tag} from a bare
 * repository on this machine, over {@code file://}, so the network is out of the figure) cold (a
 * fresh cache: fetch and export), in a new build (the tag fetched again, the tree kept already), in
 * the same build (remembered) and by SHA (nothing fetched); then the added latency of a composite
 * action step (one inner {@code run: "true"}) over a plain {@code run: "true"} step, each as a
 * one-step job on the process host, start to reported end. Medians over rounds. Figures, never
 * assertions.
 *
 * <p>Arguments (optional): rounds (default 20), files in the action's repository (default 200).
 */
public final class ActionBench {
  private ActionBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path root = Files.createTempDirectory("pipewright-action-bench");
    Path remote = root.resolve("remote");
    String sha = actionRepository(remote.resolve("acme/noop"), files);
    ActionSources sources = new ActionSources(remote.toUri().toString(), List.of(), null);
    ActionRef.Remote byTag = (ActionRef.Remote) ActionRef.parse("acme/noop@v1");
    ActionRef.Remote bySha = (ActionRef.Remote) ActionRef.parse("acme/noop@" + sha);
    System.out.printf(
        "java %s, %d cpus, %s, an action of %d files%n",
        Runtime.version(), Runtime.getRuntime().availableProcessors(), git("--version"), files);

    long[] cold = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      ActionResolver fresh = resolver(sources, root.resolve("cold-" + i));
      long start = System.nanoTime();
      fresh.resolve("b", byTag);
      cold[i] = System.nanoTime() - start;
    }
    ActionResolver warm = resolver(sources, root.resolve("warm"));
    warm.resolve("b0", byTag);
    long[] newBuild = timed(rounds, i -> warm.resolve("b" + (i + 1), byTag));
    long[] sameBuild = timed(rounds, i -> warm.resolve("b0", byTag));
    long[] pinned = timed(rounds, i -> warm.resolve("s" + i, bySha));
    print("resolve cold (fetch + export)", cold);
    print("resolve by tag, new build (fetch)", newBuild);
    print("resolve by tag, same build", sameBuild);
    print("resolve by SHA, kept", pinned);

    String plain = "on: push\njobs:\n  one:\n    runs-on: x\n    steps:\n      - run: \"true\"\n";
    String composite =
        "on: push\njobs:\n  one:\n    runs-on: x\n    steps:\n      - uses: acme/noop@"
            + sha
            + "\n";
    Path workspaces = root.resolve("workspaces");
    try (LocalJobRunner runner =
        new LocalJobRunner(
            LocalRunnerConfig.defaults(workspaces).withActions(warm), new InMemoryLogSink())) {
      long[] run = jobs(runner, plain, "plain", rounds);
      long[] uses = jobs(runner, composite, "composite", rounds);
      print("1-step job, run: true", run);
      print("1-step job, composite action (run: true)", uses);
      System.out.printf(
          Locale.ROOT,
          "added latency of the composite step: %.1f ms (median)%n",
          (median(uses) - median(run)) / 1e6);
    }
  }

  private static ActionResolver resolver(ActionSources sources, Path dir) {
    return ActionResolver.onDisk(sources, dir, Duration.ofMinutes(2));
  }

  private interface Round {
    void run(int i) throws Exception;
  }

  private static long[] timed(int rounds, Round round) throws Exception {
    long[] ns = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      round.run(i);
      ns[i] = System.nanoTime() - start;
    }
    return ns;
  }

  /** Runs the one job of {@code yaml} {@code rounds} times (after one uncounted run). */
  private static long[] jobs(LocalJobRunner runner, String yaml, String name, int rounds)
      throws Exception {
    WorkflowSpec wf = new WorkflowParser().parse(yaml, name + ".yml");
    jobOnce(runner, wf, name + "-warmup");
    return timed(rounds, i -> jobOnce(runner, wf, name + "-" + i));
  }

  private static void jobOnce(LocalJobRunner runner, WorkflowSpec wf, String build)
      throws Exception {
    CompletableFuture<JobResult> done = new CompletableFuture<>();
    runner.start(
        JobRun.builder(new JobRef(build, "one"), wf, wf.job("one")).build(),
        new RunObserver() {
          @Override
          public void jobFinished(JobRef job, JobResult result) {
            done.complete(result);
          }
        });
    JobResult result = done.get(5, TimeUnit.MINUTES);
    if (result.status() != JobStatus.SUCCEEDED) {
      throw new IllegalStateException(build + " failed: " + result);
    }
  }

  /** A repository of a composite action with one {@code run: "true"} step and filler files. */
  private static String actionRepository(Path dir, int files) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("action.yml"),
        "runs:\n  using: composite\n  steps:\n    - shell: sh\n      run: \"true\"\n");
    for (int i = 0; i < files - 1; i++) {
      Path f = dir.resolve("lib/f" + (i % 10) + "/file" + i + ".txt");
      Files.createDirectories(f.getParent());
      Files.writeString(f, "content " + i + "\n".repeat(20));
    }
    git(dir, "init", "-q", "-b", "main", ".");
    git(dir, "add", "-A");
    git(dir, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", "v1");
    git(dir, "tag", "v1");
    return git(dir, "rev-parse", "HEAD");
  }

  private static String git(String... args) throws Exception {
    return git(Path.of("."), args);
  }

  private static String git(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
    return out;
  }

  private static double median(long[] ns) {
    long[] sorted = LongStream.of(ns).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  private static void print(String what, long[] ns) {
    long[] sorted = LongStream.of(ns).sorted().toArray();
    System.out.printf(
        Locale.ROOT,
        "%-45s median %8.2f ms  p90 %8.2f ms  (%d rounds)%n",
        what,
        median(ns) / 1e6,
        sorted[(int) Math.min(sorted.length - 1, Math.round(sorted.length * 0.9))] / 1e6,
        ns.length);
  }
}
