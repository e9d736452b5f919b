package dev.pipewright.pipeline.worker;

import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.pipeline.orchestrator.BuildLoops;
import dev.pipewright.pipeline.orchestrator.Orchestrator;
import dev.pipewright.queue.BuildConsumer;
import dev.pipewright.queue.Outcome;
import dev.pipewright.queue.QueueClient;
import dev.pipewright.queue.QueueSettings;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.Database;
import dev.pipewright.store.LogRepository;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker: consumes build ids, claims builds under a lease, runs them through the orchestrator
 * and a job runner, and reaps builds whose worker vanished. Any number of workers may share one
 * database and broker; the guarded claim makes each build run in exactly one of them.
 *
 * <pre>{@code
 * try (PipelineService worker = new PipelineService(WorkerConfig.fromEnvironment())) {
 *   worker.start();
 *   ... // until shutdown
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops consuming, gives running builds {@code shutdownGrace} to finish, then
 * stops driving them and kills their local processes without recording anything: their lease
 * expires and another worker's reaper hands them to a successor, which runs the lost jobs again.
 */
public final class PipelineService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineService.class);

  private final WorkerConfig config;
  private Database database;
  private BuildRepository builds;
  private JobRunner runner;
  private Orchestrator orchestrator;
  private BuildLoops loops;
  private QueueClient queue;
  private BuildConsumer consumer;
  private ScheduledExecutorService reaper;
  private Semaphore slots;
  private final ThreadLocal<Boolean> claimedHere = ThreadLocal.withInitial(() -> false);

  private final Function<LogSink, JobRunner> runners;

  /** A worker with the runner named by {@code PIPEWRIGHT_EXECUTOR} ({@code local}). */
  public PipelineService(WorkerConfig config) {
    this(config, null);
  }

  /**
   * A worker with another runner (the Kubernetes one): the factory gets the log sink over {@code
   * build_logs} that the runner must write to.
   */
  public PipelineService(WorkerConfig config, Function<LogSink, JobRunner> runners) {
    this.config = config;
    this.runners = runners;
  }

  public WorkerConfig config() {
    return config;
  }

  /**
   * Opens (and migrates) the database, connects to the broker and starts consuming and reaping.
   *
   * @throws dev.pipewright.models.CiException TRANSIENT when PostgreSQL or RabbitMQ is down
   */
  public synchronized void start() {
    if (database != null) {
      throw new IllegalStateException("already started");
    }
    database =
        Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword());
    builds = new BuildRepository(database.dsl());
    JdbcRunStore store = new JdbcRunStore(database.dsl(), config.workerId());
    runner = runner(new StoreLogSink(new LogRepository(database.dsl())));
    orchestrator = new Orchestrator(store, runner, config.parallelism(), config.maxJobAttempts());
    loops =
        new BuildLoops(
            orchestrator,
            config.tick(),
            id -> builds.renewLease(UUID.fromString(id), config.workerId(), config.lease()),
            config.lease().dividedBy(3));
    slots = new Semaphore(config.concurrentBuilds());
    reaper =
        Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("reaper").factory());
    reaper.scheduleWithFixedDelay(
        new Reaper(builds),
        config.reaperPeriod().toMillis(),
        config.reaperPeriod().toMillis(),
        TimeUnit.MILLISECONDS);
    queue = QueueClient.create(QueueSettings.of(config.amqpUri(), config.queueNames()));
    queue.declareTopology();
    BuildIntake intake =
        new BuildIntake(
            builds,
            config.workerId(),
            config.lease(),
            queue.settings().maxAttempts(),
            this::runClaimed);
    // One delivery at a time per channel: a busy worker leaves the rest to the others.
    consumer = queue.consume(message -> withSlot(() -> intake.handle(message)), 1, 2);
    LOG.info(
        "worker {} consuming {} (executor {}, {} builds x {} jobs)",
        config.workerId(),
        config.queueNames().buildQueue(),
        config.executor(),
        config.concurrentBuilds(),
        config.parallelism());
  }

  private JobRunner runner(LogSink sink) {
    if (runners != null) {
      return runners.apply(sink);
    }
    return switch (config.executor()) {
      case "local" ->
          new LocalJobRunner(
              LocalRunnerConfig.defaults(config.workspaceRoot())
                  .withMaxParallelJobs(config.parallelism() * config.concurrentBuilds()),
              sink);
      default ->
          throw new IllegalArgumentException(
              "PIPEWRIGHT_EXECUTOR="
                  + config.executor()
                  + " needs its runner passed to PipelineService(config, runners)");
    };
  }

  /**
   * Waits for a free build slot before claiming, so the delivery stays with the broker (and other
   * workers) while this one is full. The slot goes with a claimed build until its loop ends.
   */
  private Outcome withSlot(Supplier<Outcome> claim) {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.requeue();
    }
    claimedHere.set(false);
    try {
      return claim.get();
    } finally {
      if (!claimedHere.get()) {
        slots.release();
      }
      claimedHere.remove();
    }
  }

  /** Called by the intake on the delivery's thread once the claim is committed. */
  private void runClaimed(String buildId) {
    claimedHere.set(true);
    loops.run(buildId).whenComplete((status, error) -> slots.release());
  }

  /** Drives a build this worker claimed by other means (tests, the CLI's embedded modes). */
  public CompletableFuture<BuildStatus> run(String buildId) {
    return loops.run(buildId);
  }

  public Orchestrator orchestrator() {
    return orchestrator;
  }

  public BuildLoops loops() {
    return loops;
  }

  public Database database() {
    return database;
  }

  /** Stops consuming, lets running builds finish for a while, then hands the rest back. */
  @Override
  public synchronized void close() {
    if (database == null) {
      return;
    }
    if (consumer != null) {
      consumer.close();
    }
    if (loops != null && !loops.awaitIdle(config.shutdownGrace())) {
      LOG.info("worker {}: handing back builds {}", config.workerId(), loops.running());
    }
    if (loops != null) {
      loops.close();
      orchestrator.forgetAll();
    }
    if (reaper != null) {
      reaper.shutdownNow();
      try {
        // A sweep in flight must not outlive the connection pool it uses.
        reaper.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (runner != null) {
      runner.close();
    }
    if (queue != null) {
      queue.close();
    }
    database.close();
    database = null;
  }
}
