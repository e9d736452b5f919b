package dev.pipewright.bench;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.kubernetes.MockApi;
import dev.pipewright.kubernetes.PipelineRuns;
import dev.pipewright.kubernetes.runner.KubernetesJobRunner;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.WorkflowSpec;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Job submissions per second from one worker (from the first {@code start} until every Job is
 * visible to a watch), and API writes per workflow job, against Fabric8's mock API server (CRUD
 * mode, in the same JVM: its CPU counts). Prints figures; asserts nothing.
 *
 * <p>Arguments: {@code [builds=50] [jobsPerBuild=10]} (see README.md).
 */
public final class SubmitBench {
  private SubmitBench() {}

  public static void main(String[] args) throws Exception {
    int builds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int jobsPerBuild = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    PrintStream out = System.out;
    StringBuilder yaml = new StringBuilder("on: push\njobs:\n");
    for (int j = 0; j < jobsPerBuild; j++) {
      yaml.append("  job")
          .append(j)
          .append(":\n    runs-on: ubuntu-latest\n    steps:\n")
          .append("      - run: make build\n      - run: make test\n      - run: make lint\n");
    }
    WorkflowSpec workflow = new WorkflowParser().parse(yaml.toString(), "bench.yml");
    // KubernetesRunnerConfig.defaults but for log polling, kept out of the figures: no pod runs.
    KubernetesRunnerConfig config =
        new KubernetesRunnerConfig(
            "bench",
            "bench",
            "workspace",
            "debian:bookworm-slim",
            Map.of(),
            Duration.ofHours(1),
            1001,
            "250m",
            "256Mi",
            "2",
            "2Gi",
            Duration.ofMinutes(10),
            KubernetesRunnerConfig.DEFAULT_CANCEL_GRACE);
    AtomicLong writes = new AtomicLong();
    try (MockApi api = new MockApi();
        KubernetesClient client = api.client(writes);
        KubernetesClient setup = api.client();
        KubernetesJobRunner runner =
            new KubernetesJobRunner(client, config, c -> {}, (n, p, c) -> "")) {
      // The worker creates each build's PipelineRun when it claims the build; not a job write.
      String[] ids = new String[builds];
      for (int b = 0; b < builds; b++) {
        ids[b] = UUID.randomUUID().toString();
        PipelineRuns.ensure(setup, "bench", "bench", new PipelineRunSpec(ids[b]));
      }
      // A submission is done when its Job is visible to a watch, as the kubelet would see it.
      AtomicLong created = new AtomicLong();
      SharedIndexInformer<Job> informer =
          setup
              .batch()
              .v1()
              .jobs()
              .inNamespace("bench")
              .inform(
                  new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Job job) {
                      created.incrementAndGet();
                    }

                    @Override
                    public void onUpdate(Job oldJob, Job newJob) {}

                    @Override
                    public void onDelete(Job job, boolean unknown) {}
                  });
      // Warm-up build: class loading and connection set-up are not what is measured.
      submit(runner, workflow, UUID.randomUUID().toString(), jobsPerBuild, setup);
      awaitCount(created, jobsPerBuild);
      writes.set(0);
      long started = System.nanoTime();
      for (String id : ids) {
        for (int j = 0; j < jobsPerBuild; j++) {
          JobRef ref = new JobRef(id, "job" + j);
          runner.start(
              JobRun.builder(ref, workflow, workflow.job("job" + j)).build(), RunObserver.NONE);
        }
      }
      int jobs = builds * jobsPerBuild;
      awaitCount(created, jobsPerBuild + jobs);
      double seconds = (System.nanoTime() - started) / 1e9;
      informer.close();
      out.printf(
          Locale.ROOT,
          "SubmitBench: %d builds x %d jobs = %d Job submissions in %.2f s%n",
          builds,
          jobsPerBuild,
          jobs,
          seconds);
      out.printf(Locale.ROOT, "  submissions/s (goal >= 50): %.1f%n", jobs / seconds);
      out.printf(
          Locale.ROOT,
          "  API writes per workflow job (goal <= 4): %.2f%n",
          writes.get() / (double) jobs);
    }
  }

  private static void awaitCount(AtomicLong count, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (count.get() < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(count.get() + " of " + expected + " Jobs after 5 min");
      }
      Thread.sleep(5);
    }
  }

  private static void submit(
      KubernetesJobRunner runner,
      WorkflowSpec workflow,
      String id,
      int jobs,
      KubernetesClient setup) {
    PipelineRuns.ensure(setup, "bench", "bench", new PipelineRunSpec(id));
    for (int j = 0; j < jobs; j++) {
      JobRef ref = new JobRef(id, "job" + j);
      runner.start(
          JobRun.builder(ref, workflow, workflow.job("job" + j)).build(), RunObserver.NONE);
    }
  }
}
