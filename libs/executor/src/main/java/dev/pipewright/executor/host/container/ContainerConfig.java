package dev.pipewright.executor.host.container;

import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.expressions.Template;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.ContainerOptions;
import dev.pipewright.parser.spec.ContainerSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A job's {@code container:}, or one of its {@code services:}, as the hosts run it, validated
 * before anything starts: the image, its environment, published ports, named or anonymous volumes,
 * registry credentials and the {@code options} {@link ContainerOptions} takes. Anything else (host
 * directories, other {@code docker create} options) is refused with a clear error rather than
 * ignored; what one host cannot do of this is refused by {@link ContainerSupport}.
 *
 * @param where names the job and the field in errors: {@code job 'x': container} or {@code job 'x':
 *     services.db}
 * @param env {@code env} with the {@code --env} options laid over it
 * @param entrypoint the image's entry point replacement; null keeps the host's keep-alive command
 *     as the main process, else it runs with that command as its arguments (the {@code exec "$@"}
 *     convention of entry point scripts)
 * @param health a service's health check, awaited before the first step; null when it has none
 * @param credentials for pulling the image; null when none were given
 */
public record ContainerConfig(
    String where,
    String image,
    Map<String, String> env,
    List<String> ports,
    List<String> volumes,
    String user,
    String workdir,
    String entrypoint,
    String hostname,
    ContainerOptions.HealthCheck health,
    Credentials credentials) {

  /** {@code credentials:}: a registry user name and password (usually from secrets). */
  public record Credentials(String username, String password) {
    @Override
    public String toString() {
      return "Credentials[username=" + username + ", password=***]";
    }
  }

  /** Where the job's own directory appears in its container; nothing may be mounted over it. */
  static final String JOB_MOUNT = "/github";

  private static final Pattern PORT =
      Pattern.compile("((\\d{1,3}(\\.\\d{1,3}){3}:)?\\d{0,5}:)?\\d{1,5}(-\\d{1,5})?(/(tcp|udp))?");
  private static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** The contexts GitHub evaluates {@code jobs.<id>.container} with. */
  private static final List<String> CONTAINER_CONTEXTS =
      List.of("github", "needs", "strategy", "matrix", "vars", "inputs");

  /** And {@code jobs.<id>.container.env.<name>} and {@code credentials}. */
  private static final List<String> ENV_CONTEXTS =
      List.of("github", "needs", "strategy", "matrix", "vars", "inputs", "runner", "secrets");

  public ContainerConfig {
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    ports = List.copyOf(ports);
    volumes = List.copyOf(volumes);
  }

  /**
   * Renders the {@code ${{ }}} in job {@code job}'s {@code container:} with the job's contexts, as
   * far as GitHub makes them available there (its env values and credentials may also use {@code
   * runner} and {@code secrets}), then validates it.
   *
   * @throws CiException INVALID_SPEC naming the job and the field at fault
   */
  public static ContainerConfig of(
      String job, ContainerSpec spec, Map<String, Object> jobContexts) {
    return render("job '" + job + "': container", spec, jobContexts, false);
  }

  /** {@link #of} for the service {@code label} of job {@code job}. */
  public static ContainerConfig service(
      String job, String label, ContainerSpec spec, Map<String, Object> jobContexts) {
    return render("job '" + job + "': services." + label, spec, jobContexts, true);
  }

  /** Every service of the job, in the order the workflow lists them. */
  public static Map<String, ContainerConfig> services(
      String job, Map<String, ContainerSpec> specs, Map<String, Object> jobContexts) {
    Map<String, ContainerConfig> services = new LinkedHashMap<>();
    if (specs != null) {
      specs.forEach((label, s) -> services.put(label, service(job, label, s, jobContexts)));
    }
    return services;
  }

  private static ContainerConfig render(
      String where, ContainerSpec spec, Map<String, Object> jobContexts, boolean service) {
    EvalContext fields = eval(jobContexts, CONTAINER_CONTEXTS);
    EvalContext secretValues = eval(jobContexts, ENV_CONTEXTS);
    Map<String, String> env = new LinkedHashMap<>();
    if (spec.env() != null) {
      spec.env().forEach((k, v) -> env.put(k, render(where, "env." + k, v, secretValues)));
    }
    Map<String, String> credentials = new LinkedHashMap<>();
    if (spec.credentials() != null) {
      spec.credentials()
          .forEach(
              (k, v) -> credentials.put(k, render(where, "credentials." + k, v, secretValues)));
    }
    return validate(
        where,
        new ContainerSpec(
            render(where, "image", spec.image(), fields),
            credentials,
            env,
            renderAll(where, "ports", spec.ports(), fields),
            renderAll(where, "volumes", spec.volumes(), fields),
            render(where, "options", spec.options(), fields)),
        service);
  }

  private static EvalContext eval(Map<String, Object> contexts, List<String> names) {
    EvalContext.Builder b = EvalContext.builder();
    names.stream().filter(contexts::containsKey).forEach(n -> b.context(n, contexts.get(n)));
    return b.build();
  }

  private static List<String> renderAll(
      String where, String field, List<String> values, EvalContext ctx) {
    return values == null
        ? List.of()
        : values.stream().map(v -> render(where, field, v, ctx)).toList();
  }

  private static String render(String where, String field, String value, EvalContext ctx) {
    if (value == null) {
      return null;
    }
    try {
      Template t = Template.parse(value);
      return t.isLiteral() ? value : t.render(ctx);
    } catch (ExpressionException e) {
      throw invalid(where + "." + field + ": " + e.getMessage());
    }
  }

  /** Validates a rendered job container of job {@code job} (tests). */
  static ContainerConfig of(String job, ContainerSpec spec) {
    return validate("job '" + job + "': container", spec, false);
  }

  /**
   * Validates a rendered {@code container:} or service.
   *
   * @throws CiException INVALID_SPEC naming the job and the field at fault
   */
  static ContainerConfig validate(String where, ContainerSpec spec, boolean service) {
    if (spec.image() == null || spec.image().isBlank()) {
      throw invalid(where + ".image is empty");
    }
    Credentials credentials = null;
    if (spec.credentials() != null && !spec.credentials().isEmpty()) {
      String username = spec.credentials().get("username");
      String password = spec.credentials().get("password");
      // As ContainerOperationProvider.ContainerRegistryLogin: no login unless both are given.
      if (username != null && !username.isEmpty() && password != null && !password.isEmpty()) {
        credentials = new Credentials(username, password);
      }
    }
    ContainerOptions options;
    try {
      options = ContainerOptions.parse(spec.options(), service);
    } catch (IllegalArgumentException e) {
      throw invalid(where + ".options: " + e.getMessage());
    }
    Map<String, String> env = new LinkedHashMap<>(spec.env() == null ? Map.of() : spec.env());
    env.putAll(options.env());
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        throw invalid(where + ".env: '" + e.getKey() + "' is not a variable name");
      }
      if (e.getValue() != null && (e.getValue().contains("\n") || e.getValue().contains("\r"))) {
        throw invalid(
            where + ".env." + e.getKey() + ": a value over several lines is not supported");
      }
    }
    List<String> ports = spec.ports() == null ? List.of() : spec.ports();
    for (String p : ports) {
      if (p == null || !PORT.matcher(p).matches()) {
        throw invalid(where + ".ports: '" + p + "' is not [host-ip:][host-port:]container-port");
      }
    }
    List<String> volumes = spec.volumes() == null ? List.of() : spec.volumes();
    volumes.forEach(v -> checkVolume(where + ".volumes", v));
    return new ContainerConfig(
        where,
        spec.image(),
        env,
        ports,
        volumes,
        options.user(),
        options.workdir(),
        options.entrypoint(),
        options.hostname(),
        options.health(),
        credentials);
  }

  /** The container port of each {@code ports} entry ({@code 80} of {@code 8080:80/tcp}). */
  public List<String> containerPorts() {
    return ports.stream()
        .map(p -> p.substring(p.lastIndexOf(':') + 1))
        .map(p -> p.contains("/") ? p : p + "/tcp")
        .toList();
  }

  @Override
  public String toString() {
    // env may hold secrets; credentials hide their password themselves.
    return "ContainerConfig[" + where + ", image=" + image + "]";
  }

  /**
   * {@code [name:]target[:ro|rw]}: a named volume (kept by the engine across jobs) or an anonymous
   * one (removed with the container). A host directory is refused: a job sees only its own
   * directory of the worker.
   */
  private static void checkVolume(String where, String volume) {
    String[] parts = volume == null ? new String[0] : volume.split(":", -1);
    String source = parts.length >= 2 ? parts[0] : null;
    String target = parts.length >= 2 ? parts[1] : parts.length == 1 ? parts[0] : "";
    boolean modeOk =
        parts.length < 3 || (parts.length == 3 && List.of("ro", "rw").contains(parts[2]));
    if (parts.length == 0 || parts.length > 3 || !modeOk) {
      throw invalid(where + ": '" + volume + "' is not [name:]path[:ro|rw]");
    }
    if (source != null && !VOLUME_NAME.matcher(source).matches()) {
      throw invalid(
          where
              + ": '"
              + volume
              + "' mounts a directory of the worker; the container host mounts only the job's"
              + " own directory (use a named volume)");
    }
    String path = absolute(where, target);
    if (path.equals(JOB_MOUNT)
        || path.startsWith(JOB_MOUNT + "/")
        || JOB_MOUNT.startsWith(path.endsWith("/") ? path : path + "/")) {
      throw invalid(where + ": '" + volume + "' would cover the job's directory " + JOB_MOUNT);
    }
  }

  private static String absolute(String where, String path) {
    if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
      throw invalid(where + ": '" + path + "' is not an absolute path in the container");
    }
    return path;
  }

  private static CiException invalid(String message) {
    return new CiException(ErrorCode.INVALID_SPEC, message);
  }
}
