package dev.pipewright.pipeline.worker;

import dev.pipewright.actions.ActionSources;
import dev.pipewright.executor.LogLimits;
import dev.pipewright.executor.host.ExecutorNode;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.ops.config.ConfigException;
import dev.pipewright.ops.config.ConfigLoader;
import dev.pipewright.ops.config.Executor;
import dev.pipewright.ops.config.Listeners;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.pipeline.reconcile.Attempts;
import dev.pipewright.queue.QueueNames;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The worker's settings. {@link #from(PipewrightConfig)} takes them from the one configuration
 * (defaults &lt; YAML &lt; environment, see libs/ops/CONFIGURATION.md); {@link #fromEnvironment}
 * reads the same settings from the environment alone.
 *
 * @param executor {@code local} (processes under {@code workspaceRoot}) or {@code kubernetes} (one
 *     Job per job instance, see {@code kubernetes})
 * @param parallelism job instances of one build active at once
 * @param concurrentBuilds builds this worker claims and runs at once (also the consumer prefetch)
 * @param lease how long a claim holds without renewal; renewed every third of it
 * @param tick the period of the level-triggered reconcile pass of each running build
 * @param maxJobAttempts runs of a job instance lost with its worker before it fails
 * @param infrastructureRetries runs of a job instance after the first when its host failed under it
 *     ({@code INFRASTRUCTURE}: its pod deleted, evicted, preempted, its node lost)
 * @param shutdownGrace how long stopping may take: waiting for running builds, then handing the
 *     rest back and closing connections
 * @param httpPort where the worker serves /healthz, /readyz and /metrics; {@link #NO_HTTP} for none
 *     (an embedding process that serves them itself, tests running many workers)
 * @param kubernetes the Kubernetes runner's settings, used when {@code executor} is {@code
 *     kubernetes}
 * @param logLimits how much of a step's and of a build's log the worker stores
 * @param listeners the address the HTTP port binds, TLS, and whether {@code /metrics} needs a token
 * @param secretKeyFile the key file that opens builds' sealed secret values (the entry API's);
 *     empty: a build with secrets fails on this worker, saying why
 * @param resultsUrl the entry API's HTTP base URL as jobs reach it ({@code artifacts.results-url}):
 *     with a secret key file, every job gets a runtime token and this URL ({@link
 *     RuntimeTokenIssuer}); empty: jobs get neither
 * @param actions where remote actions and called workflows are fetched from
 */
public record WorkerConfig(
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    URI amqpUri,
    QueueNames queueNames,
    String executor,
    Path workspaceRoot,
    int parallelism,
    int concurrentBuilds,
    String workerId,
    Duration lease,
    Duration tick,
    Duration reaperPeriod,
    int maxJobAttempts,
    int infrastructureRetries,
    Duration shutdownGrace,
    int httpPort,
    KubernetesRunnerConfig kubernetes,
    LogLimits logLimits,
    Listeners listeners,
    Optional<Path> secretKeyFile,
    String resultsUrl,
    ActionSources actions,
    ExecutorNode node) {

  public static final String DEFAULT_DATABASE_URL = "jdbc:postgresql://127.0.0.1:5432/pipewright";

  /** {@link #httpPort} of a worker that serves no HTTP. */
  public static final int NO_HTTP = -1;

  public WorkerConfig {
    Objects.requireNonNull(databaseUrl, "databaseUrl");
    Objects.requireNonNull(amqpUri, "amqpUri");
    Objects.requireNonNull(queueNames, "queueNames");
    Objects.requireNonNull(workspaceRoot, "workspaceRoot");
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(kubernetes, "kubernetes");
    Objects.requireNonNull(logLimits, "logLimits");
    Objects.requireNonNull(listeners, "listeners");
    Objects.requireNonNull(secretKeyFile, "secretKeyFile");
    Objects.requireNonNull(resultsUrl, "resultsUrl");
    Objects.requireNonNull(actions, "actions");
    Objects.requireNonNull(node, "node");
    if (parallelism < 1 || concurrentBuilds < 1 || maxJobAttempts < 1) {
      throw new IllegalArgumentException("parallelism, builds and attempts must be positive");
    }
    if (infrastructureRetries < 0) {
      throw new IllegalArgumentException("infrastructureRetries must be >= 0");
    }
    if (httpPort < NO_HTTP || httpPort > 65535) {
      throw new IllegalArgumentException("httpPort out of range: " + httpPort);
    }
  }

  /** The configured sources of remote actions, as the resolver takes them. */
  public static ActionSources actionSources(PipewrightConfig.Actions a) {
    return new ActionSources(a.url(), a.mirrors(), a.offlineDir().orElse(null));
  }

  /** How many times the orchestrator runs a job instance, by what ended its earlier runs. */
  public Attempts attempts() {
    return Attempts.of(maxJobAttempts, infrastructureRetries);
  }

  /** Whether {@code executor} names the Kubernetes runner. */
  public boolean kubernetesExecutor() {
    return Executor.KUBERNETES.id().equals(executor);
  }

  /**
   * The worker's part of the one configuration, {@code http.port} included: what a worker process
   * ({@code Main}, {@code pipewright serve worker}) runs with.
   */
  public static WorkerConfig from(PipewrightConfig c) {
    PipewrightConfig.Worker w = c.worker();
    return new WorkerConfig(
        c.database().url(),
        c.database().user(),
        c.database().password(),
        c.amqp().uri(),
        QueueNames.withPrefix(c.amqp().queuePrefix()),
        c.executor().id(),
        c.workspaceRoot(),
        w.parallelism(),
        w.builds(),
        w.id(),
        w.lease(),
        w.tick(),
        w.reaperPeriod(),
        w.maxJobAttempts(),
        w.infrastructureRetries(),
        c.shutdownGrace(),
        c.httpPort(),
        kubernetes(c.kubernetes()),
        logLimits(w),
        c.listeners(),
        c.secretKeyFile(),
        c.artifacts().resultsUrl().strip(),
        actionSources(c.actions()),
        w.nodePath().isBlank() ? ExecutorNode.ON_PATH : new ExecutorNode(Path.of(w.nodePath())));
  }

  static LogLimits logLimits(PipewrightConfig.Worker w) {
    return new LogLimits(w.stepLogLimit(), w.buildLogLimit());
  }

  static KubernetesRunnerConfig kubernetes(PipewrightConfig.Kubernetes k) {
    return new KubernetesRunnerConfig(
        k.namespace(),
        k.installation(),
        k.workspaceClaim(),
        k.defaultImage(),
        k.runsOnImages(),
        k.jobTtl(),
        k.runAsUser(),
        unsetIfEmpty(k.stepCpuRequest()),
        unsetIfEmpty(k.stepMemoryRequest()),
        unsetIfEmpty(k.stepCpuLimit()),
        unsetIfEmpty(k.stepMemoryLimit()),
        k.logPollInterval(),
        unsetIfEmpty(k.nodeImage()));
  }

  private static String unsetIfEmpty(String quantity) {
    return quantity == null || quantity.isBlank() ? null : quantity;
  }

  public static WorkerConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * The settings of {@link #from(PipewrightConfig)} from {@code env} alone, but without HTTP: the
   * callers that predate {@code http.port} for the worker (the CLI's {@code serve}, where the entry
   * API holds that port, and tests running several workers) keep working unchanged.
   *
   * @throws IllegalArgumentException naming every invalid variable
   */
  public static WorkerConfig fromEnvironment(Map<String, String> env) {
    try {
      return from(ConfigLoader.fromEnvironment(env)).toBuilder().httpPort(NO_HTTP).build();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A copy with some settings changed (tests, embedding callers). */
  public static final class Builder {
    private String databaseUrl;
    private QueueNames queueNames;
    private Path workspaceRoot;
    private String workerId;
    private String executor;
    private Duration shutdownGrace;
    private int httpPort;
    private KubernetesRunnerConfig kubernetes;
    private LogLimits logLimits;
    private Listeners listeners;
    private Optional<Path> secretKeyFile;
    private String resultsUrl;
    private ActionSources actions;
    private final WorkerConfig base;

    private Builder(WorkerConfig base) {
      this.base = base;
      this.databaseUrl = base.databaseUrl();
      this.queueNames = base.queueNames();
      this.workspaceRoot = base.workspaceRoot();
      this.workerId = base.workerId();
      this.executor = base.executor();
      this.shutdownGrace = base.shutdownGrace();
      this.httpPort = base.httpPort();
      this.kubernetes = base.kubernetes();
      this.logLimits = base.logLimits();
      this.listeners = base.listeners();
      this.secretKeyFile = base.secretKeyFile();
      this.resultsUrl = base.resultsUrl();
      this.actions = base.actions();
    }

    /** The entry API's HTTP base URL as jobs reach it. */
    public Builder resultsUrl(String v) {
      this.resultsUrl = v;
      return this;
    }

    /** The key file that opens sealed secret values. */
    public Builder actions(ActionSources v) {
      this.actions = v;
      return this;
    }

    public Builder secretKeyFile(Path v) {
      this.secretKeyFile = Optional.of(v);
      return this;
    }

    public Builder executor(String v) {
      this.executor = v;
      return this;
    }

    public Builder shutdownGrace(Duration v) {
      this.shutdownGrace = v;
      return this;
    }

    /** The HTTP port (0 picks a free one), or {@link #NO_HTTP}. */
    public Builder httpPort(int v) {
      this.httpPort = v;
      return this;
    }

    /** The HTTP port's address, TLS and {@code /metrics} access. */
    public Builder listeners(Listeners v) {
      this.listeners = v;
      return this;
    }

    public Builder kubernetes(KubernetesRunnerConfig v) {
      this.kubernetes = v;
      return this;
    }

    public Builder logLimits(LogLimits v) {
      this.logLimits = v;
      return this;
    }

    public Builder databaseUrl(String v) {
      this.databaseUrl = v;
      return this;
    }

    public Builder queueNames(QueueNames v) {
      this.queueNames = v;
      return this;
    }

    public Builder workspaceRoot(Path v) {
      this.workspaceRoot = v;
      return this;
    }

    public Builder workerId(String v) {
      this.workerId = v;
      return this;
    }

    public WorkerConfig build() {
      return new WorkerConfig(
          databaseUrl,
          base.databaseUser(),
          base.databasePassword(),
          base.amqpUri(),
          queueNames,
          executor,
          workspaceRoot,
          base.parallelism(),
          base.concurrentBuilds(),
          workerId,
          base.lease(),
          base.tick(),
          base.reaperPeriod(),
          base.maxJobAttempts(),
          base.infrastructureRetries(),
          shutdownGrace,
          httpPort,
          kubernetes,
          logLimits,
          listeners,
          secretKeyFile,
          resultsUrl,
          actions,
          base.node());
    }
  }
}
