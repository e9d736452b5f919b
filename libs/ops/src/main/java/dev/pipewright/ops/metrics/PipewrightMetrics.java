package dev.pipewright.ops.metrics;

import dev.pipewright.auth.Verdict;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Pipewright's metrics, one typed method per fact, so services never spell a meter name. Names as
 * Prometheus shows them:
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>method</th><th>series</th></tr>
 *   <tr><td>{@link #buildAdmitted()}</td><td>{@code pipewright_builds_admitted_total}</td></tr>
 *   <tr><td>{@link #buildFinished}</td><td>{@code pipewright_builds_total{status}},
 *       {@code pipewright_build_duration_seconds{status}} (histogram)</td></tr>
 *   <tr><td>{@link #admissionLag}</td><td>{@code pipewright_admission_lag_seconds}</td></tr>
 *   <tr><td>{@link #queueLag}</td><td>{@code pipewright_queue_lag_seconds}</td></tr>
 *   <tr><td>{@link #jobFinished}</td><td>{@code pipewright_jobs_total{status}},
 *       {@code pipewright_job_duration_seconds{status}}</td></tr>
 *   <tr><td>{@link #stepFinished}</td><td>{@code pipewright_steps_total{status}},
 *       {@code pipewright_step_duration_seconds{status}}</td></tr>
 *   <tr><td>{@link #runningJobs}, {@link #runningBuilds}</td><td>{@code pipewright_jobs_running},
 *       {@code pipewright_builds_running} (gauges)</td></tr>
 *   <tr><td>{@link #logChunksWritten}</td><td>{@code pipewright_log_chunks_total},
 *       {@code pipewright_log_bytes_total}</td></tr>
 *   <tr><td>{@link #reconcileLatency}</td><td>{@code pipewright_reconcile_duration_seconds}</td></tr>
 *   <tr><td>{@link #brokerError}, {@link #databaseError}</td><td>
 *       {@code pipewright_broker_errors_total{operation}},
 *       {@code pipewright_database_errors_total{operation}}</td></tr>
 *   <tr><td>{@link #authRefused}</td><td>
 *       {@code pipewright_auth_refused_total{transport,reason}}</td></tr>
 * </table>
 *
 * <p>Status labels are the lower-case enum names. Counters of terminal statuses start at 0, so
 * {@code rate()} and alerts see them before the first build ends. Thread-safe.
 */
public final class PipewrightMetrics implements AutoCloseable {
  // Histogram buckets (le) per kind of duration: explicit, so a scrape stays small.
  private static final Duration[] BUILD_BUCKETS =
      seconds(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200);
  private static final Duration[] STEP_BUCKETS =
      seconds(0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600);
  private static final Duration[] LAG_BUCKETS =
      seconds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300);
  private static final Duration[] RECONCILE_BUCKETS =
      seconds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10);

  private final MeterRegistry registry;
  private final JvmGcMetrics gcMetrics;
  private final Counter buildsAdmitted;
  private final Map<BuildStatus, Counter> builds;
  private final Map<BuildStatus, Timer> buildDurations;
  private final Map<JobStatus, Counter> jobs;
  private final Map<JobStatus, Timer> jobDurations;
  private final Map<StepStatus, Counter> steps;
  private final Map<StepStatus, Timer> stepDurations;
  private final Timer admissionLag;
  private final Timer queueLag;
  private final Timer reconcile;
  private final Counter logChunks;
  private final Counter logBytes;
  private final Map<Transport, Map<Verdict.Refusal, Counter>> refusals =
      new EnumMap<>(Transport.class);

  /**
   * Over {@code registry}, without JVM metrics (see {@link #prometheus()} for the services' set).
   */
  public PipewrightMetrics(MeterRegistry registry) {
    this(registry, false);
  }

  private PipewrightMetrics(MeterRegistry registry, boolean jvm) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.buildsAdmitted =
        Counter.builder("pipewright.builds.admitted")
            .description("Builds accepted by StartPipelineBuild (stored PENDING)")
            .register(registry);
    this.builds = counters(BuildStatus.class, "pipewright.builds", "Builds finished, by status");
    this.buildDurations =
        timers(
            BuildStatus.class,
            "pipewright.build.duration",
            "Build run time, claimed to terminal",
            BUILD_BUCKETS);
    this.jobs = counters(JobStatus.class, "pipewright.jobs", "Job instances finished, by status");
    this.jobDurations =
        timers(JobStatus.class, "pipewright.job.duration", "Job run time", BUILD_BUCKETS);
    this.steps = counters(StepStatus.class, "pipewright.steps", "Steps finished, by status");
    this.stepDurations =
        timers(StepStatus.class, "pipewright.step.duration", "Step run time", STEP_BUCKETS);
    this.admissionLag =
        timer(
            "pipewright.admission.lag",
            "PENDING to QUEUED: from the API call to the broker's confirm",
            LAG_BUCKETS);
    this.queueLag = timer("pipewright.queue.lag", "QUEUED to claimed by a worker", LAG_BUCKETS);
    this.reconcile =
        timer(
            "pipewright.reconcile.duration",
            "One pass of a build's reconcile loop",
            RECONCILE_BUCKETS);
    this.logChunks =
        Counter.builder("pipewright.log.chunks")
            .description("Log chunks appended to build_logs")
            .register(registry);
    this.logBytes =
        Counter.builder("pipewright.log.bytes")
            .baseUnit("bytes")
            .description("Log bytes appended to build_logs")
            .register(registry);
    for (Transport transport : Transport.values()) {
      Map<Verdict.Refusal, Counter> byReason = new EnumMap<>(Verdict.Refusal.class);
      for (Verdict.Refusal reason : Verdict.Refusal.values()) {
        byReason.put(
            reason,
            Counter.builder("pipewright.auth.refused")
                .description("Calls refused for a missing, invalid or too weak API token")
                .tag("transport", label(transport))
                .tag("reason", reason.label())
                .register(registry));
      }
      refusals.put(transport, byReason);
    }
    if (jvm) {
      new JvmMemoryMetrics().bindTo(registry);
      this.gcMetrics = new JvmGcMetrics();
      gcMetrics.bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      new FileDescriptorMetrics().bindTo(registry);
    } else {
      this.gcMetrics = null;
    }
  }

  /**
   * A Prometheus registry with the Pipewright meters and the JVM ones (memory, GC, threads, class
   * loading, CPU, uptime, file descriptors): what each service creates once at start and hands to
   * {@code OpsHttpServer.Builder.metrics}.
   */
  public static PipewrightMetrics prometheus() {
    return new PipewrightMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
  }

  /**
   * The Prometheus registry behind these metrics.
   *
   * @throws IllegalStateException if they were created over another kind of registry
   */
  public PrometheusMeterRegistry prometheusRegistry() {
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      return prometheus;
    }
    throw new IllegalStateException("not a Prometheus registry: " + registry.getClass().getName());
  }

  /** Prometheus text exposition format 0.0.4, as served on {@code /metrics}. */
  public String scrape() {
    return prometheusRegistry().scrape();
  }

  /** A build was accepted and stored PENDING. */
  public void buildAdmitted() {
    buildsAdmitted.increment();
  }

  /** PENDING to QUEUED took {@code lag} (the outbox relay's delay plus the broker confirm). */
  public void admissionLag(Duration lag) {
    admissionLag.record(lag);
  }

  /** A build waited {@code lag} in the queue before a worker claimed it. */
  public void queueLag(Duration lag) {
    queueLag.record(lag);
  }

  /** A build reached {@code status} after running {@code duration}. */
  public void buildFinished(BuildStatus status, Duration duration) {
    count(builds, status, "pipewright.builds").increment();
    time(buildDurations, status, "pipewright.build.duration", BUILD_BUCKETS).record(duration);
  }

  public void jobFinished(JobStatus status, Duration duration) {
    count(jobs, status, "pipewright.jobs").increment();
    time(jobDurations, status, "pipewright.job.duration", BUILD_BUCKETS).record(duration);
  }

  public void stepFinished(StepStatus status, Duration duration) {
    count(steps, status, "pipewright.steps").increment();
    time(stepDurations, status, "pipewright.step.duration", STEP_BUCKETS).record(duration);
  }

  /**
   * Reports {@code running} as {@code pipewright_jobs_running}, read at each scrape. The registry
   * keeps the first supplier registered; call once per process.
   */
  public void runningJobs(Supplier<Number> running) {
    Gauge.builder("pipewright.jobs.running", running)
        .description("Job instances running on this worker")
        .strongReference(true)
        .register(registry);
  }

  /** Like {@link #runningJobs}, for {@code pipewright_builds_running}. */
  public void runningBuilds(Supplier<Number> running) {
    Gauge.builder("pipewright.builds.running", running)
        .description("Builds claimed and running on this worker")
        .strongReference(true)
        .register(registry);
  }

  /** One batch appended to build_logs: {@code chunks} chunks holding {@code bytes} bytes. */
  public void logChunksWritten(int chunks, long bytes) {
    logChunks.increment(chunks);
    logBytes.increment(bytes);
  }

  /** One pass of the reconcile loop of a build took {@code latency}. */
  public void reconcileLatency(Duration latency) {
    reconcile.record(latency);
  }

  /**
   * A RabbitMQ operation failed.
   *
   * @param operation a fixed name such as {@code publish}, {@code consume}, {@code ack}, {@code
   *     connect}: never an id, each value is a time series
   */
  public void brokerError(String operation) {
    Counter.builder("pipewright.broker.errors")
        .description("RabbitMQ operations that failed")
        .tag("operation", operation)
        .register(registry)
        .increment();
  }

  /**
   * A PostgreSQL operation failed.
   *
   * @param operation a fixed name such as {@code claim}, {@code append_logs}: never an id
   */
  public void databaseError(String operation) {
    Counter.builder("pipewright.database.errors")
        .description("PostgreSQL operations that failed")
        .tag("operation", operation)
        .register(registry)
        .increment();
  }

  /**
   * A call was refused by authentication ({@code unauthenticated}) or authorization ({@code
   * permission_denied}).
   */
  public void authRefused(Transport transport, Verdict.Refusal reason) {
    refusals.get(transport).get(reason).increment();
  }

  /** Where a call came in, for {@link #authRefused}. */
  public enum Transport {
    GRPC,
    HTTP
  }

  /** Unbinds the GC listener (JVM metrics); the registry itself is the caller's. */
  @Override
  public void close() {
    if (gcMetrics != null) {
      gcMetrics.close();
    }
  }

  private <S extends Enum<S>> Map<S, Counter> counters(
      Class<S> type, String name, String description) {
    Map<S, Counter> out = new EnumMap<>(type);
    for (S status : type.getEnumConstants()) {
      if (terminal(status)) {
        out.put(
            status,
            Counter.builder(name)
                .description(description)
                .tag("status", label(status))
                .register(registry));
      }
    }
    return out;
  }

  private <S extends Enum<S>> Map<S, Timer> timers(
      Class<S> type, String name, String description, Duration[] buckets) {
    Map<S, Timer> out = new EnumMap<>(type);
    for (S status : type.getEnumConstants()) {
      if (terminal(status)) {
        out.put(status, statusTimer(name, description, status, buckets));
      }
    }
    return out;
  }

  private Timer timer(String name, String description, Duration[] buckets) {
    return Timer.builder(name)
        .description(description)
        .serviceLevelObjectives(buckets)
        .register(registry);
  }

  private Timer statusTimer(String name, String description, Enum<?> status, Duration[] buckets) {
    return Timer.builder(name)
        .description(description)
        .tag("status", label(status))
        .serviceLevelObjectives(buckets)
        .register(registry);
  }

  // A non-terminal status (a caller's mistake, or a new enum constant) still gets its series.
  private <S extends Enum<S>> Counter count(Map<S, Counter> known, S status, String name) {
    Counter c = known.get(status);
    return c != null ? c : Counter.builder(name).tag("status", label(status)).register(registry);
  }

  private <S extends Enum<S>> Timer time(
      Map<S, Timer> known, S status, String name, Duration[] buckets) {
    Timer t = known.get(status);
    return t != null ? t : statusTimer(name, null, status, buckets);
  }

  private static boolean terminal(Enum<?> status) {
    return switch (status) {
      case BuildStatus b -> b.terminal();
      case JobStatus j -> j.terminal();
      case StepStatus s -> s.terminal();
      default -> true;
    };
  }

  private static String label(Enum<?> status) {
    return status.name().toLowerCase(Locale.ROOT);
  }

  private static Duration[] seconds(double... values) {
    return java.util.Arrays.stream(values)
        .mapToObj(v -> Duration.ofNanos(Math.round(v * 1e9)))
        .toArray(Duration[]::new);
  }
}
