package dev.pipewright.ops.config;

import dev.pipewright.text.Suggestions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link PipewrightConfig}: defaults, then the YAML file (from {@code --config PATH} or
 * {@code PIPEWRIGHT_CONFIG}), then the {@code PIPEWRIGHT_*} variables, each layer overriding the
 * one before. A blank variable counts as unset. Every problem is collected before failing, so one
 * start shows them all:
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   PipewrightConfig config;
 *   try {
 *     config = ConfigLoader.load(args);
 *   } catch (ConfigException e) {
 *     log.error("{}", e.getMessage());   // or System.err in the CLI
 *     System.exit(2);
 *   }
 *   ...
 * }
 * }</pre>
 */
public final class ConfigLoader {
  /** The variable naming the config file when {@code --config} is not given. */
  public static final String CONFIG_ENV = "PIPEWRIGHT_CONFIG";

  public static final String CONFIG_FLAG = "--config";

  private static final String PREFIX = "PIPEWRIGHT_";

  private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

  private ConfigLoader() {}

  /** {@link #load(String[], Map)} with the process environment. */
  public static PipewrightConfig load(String[] args) {
    return load(args, System.getenv());
  }

  /**
   * The file named by {@code --config PATH} / {@code --config=PATH} in {@code args}, else by {@code
   * PIPEWRIGHT_CONFIG}, else none; then {@code env}. Warns (SLF4J) about {@code PIPEWRIGHT_*}
   * variables that are no setting, typos included.
   *
   * @throws ConfigException listing every problem
   */
  public static PipewrightConfig load(String[] args, Map<String, String> env) {
    return load(configFile(args, env), env);
  }

  /**
   * @param file the YAML file, or empty for defaults and environment only
   * @throws ConfigException if the file cannot be read or any value is invalid
   */
  public static PipewrightConfig load(Optional<Path> file, Map<String, String> env) {
    unknownVariables(env).forEach(warning -> log.warn("{}", warning));
    if (file.isEmpty()) {
      return resolve(Map.of(), env, List.of());
    }
    String yaml;
    try {
      yaml = Files.readString(file.get(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          List.of(file.get() + ": cannot read the config file (" + describe(e) + ")"));
    }
    PipewrightConfig config = fromYaml(file.get().toString(), yaml, env);
    log.info("Configuration read from {} (environment variables override it)", file.get());
    return config;
  }

  /**
   * Defaults &lt; {@code yaml} &lt; {@code env}, without touching the file system or the process
   * environment.
   *
   * @param name how errors name the file, e.g. {@code config.yaml}
   */
  public static PipewrightConfig fromYaml(String name, String yaml, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Map<String, RawValue> fileValues = YamlSource.read(name, yaml, Settings.ALL, problems);
    return resolve(fileValues, env, problems);
  }

  /** Defaults &lt; {@code env}. */
  public static PipewrightConfig fromEnvironment(Map<String, String> env) {
    return resolve(Map.of(), env, List.of());
  }

  /**
   * Where the config file is: {@code --config PATH} or {@code --config=PATH}, else {@code
   * PIPEWRIGHT_CONFIG}. Other arguments are ignored, so a CLI parser may own them.
   */
  public static Optional<Path> configFile(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG_FLAG)) {
        if (i + 1 >= args.length || args[i + 1].isBlank()) {
          throw new ConfigException(List.of(CONFIG_FLAG + ": expected a file path"));
        }
        return Optional.of(Path.of(args[i + 1]));
      }
      if (args[i].startsWith(CONFIG_FLAG + "=")) {
        String value = args[i].substring(CONFIG_FLAG.length() + 1);
        if (value.isBlank()) {
          throw new ConfigException(List.of(CONFIG_FLAG + ": expected a file path"));
        }
        return Optional.of(Path.of(value));
      }
    }
    String fromEnv = env.get(CONFIG_ENV);
    return fromEnv == null || fromEnv.isBlank() ? Optional.empty() : Optional.of(Path.of(fromEnv));
  }

  /**
   * One warning per {@code PIPEWRIGHT_*} variable of {@code env} that is no setting, with the
   * closest known name when one is near: a misspelt variable would otherwise be silently ignored.
   */
  public static List<String> unknownVariables(Map<String, String> env) {
    Set<String> known =
        Settings.ALL.stream().map(Setting::env).collect(Collectors.toCollection(TreeSet::new));
    known.addAll(Settings.OTHER_VARIABLES);
    List<String> suffixes = known.stream().map(k -> k.substring(PREFIX.length())).toList();
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      if (name.startsWith(PREFIX) && !known.contains(name)) {
        // Compared without the shared prefix, which would make every name look close.
        String meant = Suggestions.closest(name.substring(PREFIX.length()), suffixes);
        warnings.add(
            name
                + ": unknown variable, ignored"
                + (meant == null ? "" : " (did you mean " + PREFIX + meant + "?)"));
      }
    }
    return warnings;
  }

  static PipewrightConfig resolve(
      Map<String, RawValue> fileValues, Map<String, String> env, List<String> earlierProblems) {
    List<String> problems = new ArrayList<>(earlierProblems);
    Map<Setting<?>, Object> values = new HashMap<>();
    for (Setting<?> setting : Settings.ALL) {
      String fromEnv = env.get(setting.env());
      RawValue raw;
      if (fromEnv != null && !fromEnv.isBlank()) {
        raw = RawValue.scalar(fromEnv, setting.env());
      } else {
        raw = fileValues.get(setting.path());
        if (raw == null) {
          raw = RawValue.scalar(setting.defaultText().get(), "default of " + setting.path());
        }
      }
      try {
        values.put(setting, raw.parse(setting.parser()));
      } catch (IllegalArgumentException e) {
        problems.add(raw.origin() + ": " + e.getMessage());
      }
    }
    if (problems.isEmpty()) {
      checkPortsDiffer(values, problems);
      checkListeners(values, problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return build(new Values(values));
  }

  private static void checkPortsDiffer(Map<Setting<?>, Object> values, List<String> problems) {
    int grpc = (Integer) values.get(Settings.GRPC_PORT);
    int http = (Integer) values.get(Settings.HTTP_PORT);
    if (grpc != 0 && grpc == http) {
      problems.add(
          Settings.HTTP_PORT.env()
              + ": must differ from "
              + Settings.GRPC_PORT.env()
              + ", both are "
              + grpc);
    }
  }

  private static void checkListeners(Map<Setting<?>, Object> values, List<String> problems) {
    boolean cert = ((Optional<?>) values.get(Settings.TLS_CERT_FILE)).isPresent();
    boolean key = ((Optional<?>) values.get(Settings.TLS_KEY_FILE)).isPresent();
    if (cert != key) {
      problems.add(
          (cert ? Settings.TLS_KEY_FILE : Settings.TLS_CERT_FILE).env()
              + ": TLS needs both "
              + Settings.TLS_CERT_FILE.env()
              + " and "
              + Settings.TLS_KEY_FILE.env());
    }
    if (!cert && ((Optional<?>) values.get(Settings.TLS_CLIENT_CA_FILE)).isPresent()) {
      problems.add(
          Settings.TLS_CLIENT_CA_FILE.env()
              + ": client certificates need TLS: set "
              + Settings.TLS_CERT_FILE.env()
              + " and "
              + Settings.TLS_KEY_FILE.env()
              + " too");
    }
    if (values.get(Settings.METRICS_AUTH) == MetricsAccess.TOKEN
        && values.get(Settings.AUTH) == AuthMode.OFF) {
      problems.add(
          Settings.METRICS_AUTH.env()
              + ": tokens for /metrics need "
              + Settings.AUTH.env()
              + "=token");
    }
  }

  /** Typed reads of the resolved values. */
  private record Values(Map<Setting<?>, Object> values) {
    @SuppressWarnings("unchecked")
    <T> T get(Setting<T> setting) {
      return (T) values.get(setting);
    }
  }

  private static PipewrightConfig build(Values v) {
    return new PipewrightConfig(
        new PipewrightConfig.Database(
            v.get(Settings.DATABASE_URL),
            v.get(Settings.DATABASE_USER),
            v.get(Settings.DATABASE_PASSWORD),
            v.get(Settings.DATABASE_POOL_SIZE),
            v.get(Settings.DATABASE_CONNECT_TIMEOUT)),
        new PipewrightConfig.Amqp(v.get(Settings.AMQP_URI), v.get(Settings.QUEUE_PREFIX)),
        v.get(Settings.GRPC_PORT),
        v.get(Settings.HTTP_PORT),
        new Listeners(
            v.get(Settings.BIND_ADDRESS),
            v.get(Settings.AUTH),
            v.get(Settings.METRICS_AUTH),
            new Listeners.Tls(
                v.get(Settings.TLS_CERT_FILE),
                v.get(Settings.TLS_KEY_FILE),
                v.get(Settings.TLS_CLIENT_CA_FILE),
                v.get(Settings.TLS_RELOAD_INTERVAL))),
        new PipewrightConfig.Api(
            v.get(Settings.RELAY_BATCH_SIZE), v.get(Settings.LOG_POLL_INTERVAL)),
        v.get(Settings.EXECUTOR),
        v.get(Settings.WORKSPACE_ROOT),
        new PipewrightConfig.Worker(
            v.get(Settings.PARALLELISM),
            v.get(Settings.WORKER_BUILDS),
            v.get(Settings.WORKER_ID),
            v.get(Settings.LEASE),
            v.get(Settings.TICK),
            v.get(Settings.REAPER_PERIOD),
            v.get(Settings.MAX_JOB_ATTEMPTS),
            v.get(Settings.INFRASTRUCTURE_RETRIES),
            v.get(Settings.STEP_LOG_LIMIT),
            v.get(Settings.BUILD_LOG_LIMIT),
            v.get(Settings.CONTAINER_ENGINE),
            v.get(Settings.NODE_PATH)),
        v.get(Settings.SHUTDOWN_GRACE),
        new PipewrightConfig.Log(v.get(Settings.LOG_FORMAT), v.get(Settings.LOG_LEVEL)),
        new PipewrightConfig.Kubernetes(
            v.get(KubernetesSettings.NAMESPACE),
            installation(v),
            v.get(KubernetesSettings.WORKSPACE_CLAIM),
            v.get(KubernetesSettings.DEFAULT_IMAGE),
            v.get(KubernetesSettings.RUNS_ON_IMAGES),
            v.get(KubernetesSettings.JOB_TTL),
            v.get(KubernetesSettings.RUN_AS_USER),
            v.get(KubernetesSettings.CPU_REQUEST),
            v.get(KubernetesSettings.MEMORY_REQUEST),
            v.get(KubernetesSettings.CPU_LIMIT),
            v.get(KubernetesSettings.MEMORY_LIMIT),
            v.get(KubernetesSettings.LOG_POLL_INTERVAL),
            v.get(KubernetesSettings.NODE_IMAGE)),
        v.get(Settings.SECRET_KEY_FILE),
        new PipewrightConfig.Artifacts(
            v.get(ArtifactSettings.BLOB_ROOT),
            v.get(ArtifactSettings.RESULTS_URL),
            v.get(ArtifactSettings.ARTIFACT_RETENTION_DAYS),
            v.get(ArtifactSettings.ARTIFACT_SWEEP_PERIOD),
            v.get(ArtifactSettings.CACHE_BYTES_PER_REPOSITORY),
            v.get(ArtifactSettings.CACHE_DEFAULT_REF)),
        new PipewrightConfig.Actions(
            v.get(Settings.ACTIONS_URL),
            v.get(Settings.ACTIONS_MIRRORS),
            v.get(Settings.ACTIONS_OFFLINE_DIR)));
  }

  private static String installation(Values v) {
    String set = v.get(KubernetesSettings.INSTALLATION);
    return set.isEmpty() ? InstallationId.fromDatabaseUrl(v.get(Settings.DATABASE_URL)) : set;
  }

  private static String describe(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException
        ? "no such file"
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
