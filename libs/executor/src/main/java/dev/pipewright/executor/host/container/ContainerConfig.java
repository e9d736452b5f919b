package dev.pipewright.executor.host.container;

import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.expressions.Template;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.ContainerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A job's {@code container:} as the container host runs it, validated before anything starts. The
 * host supports what a job container on one machine needs: the image, its environment, published
 * ports, named or anonymous volumes, and the {@code options} {@code --user}, {@code --workdir} and
 * {@code --entrypoint}. Anything else (registry credentials, host directories, other {@code docker
 * create} options) is refused with a clear error rather than ignored.
 *
 * @param entrypoint the image's entry point replacement; null keeps the host's keep-alive command
 *     as the main process, else it runs with that command as its arguments (the {@code exec "$@"}
 *     convention of entry point scripts)
 */
public record ContainerConfig(
    String image,
    Map<String, String> env,
    List<String> ports,
    List<String> volumes,
    String user,
    String workdir,
    String entrypoint) {

  /** Where the job's own directory appears in its container; nothing may be mounted over it. */
  static final String JOB_MOUNT = "/github";

  private static final Pattern PORT =
      Pattern.compile("((\\d{1,3}(\\.\\d{1,3}){3}:)?\\d{0,5}:)?\\d{1,5}(-\\d{1,5})?(/(tcp|udp))?");
  private static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private static final List<String> SUPPORTED_OPTIONS =
      List.of("--user", "-u", "--workdir", "-w", "--entrypoint");

  /** The contexts GitHub evaluates {@code jobs.<id>.container} with. */
  private static final List<String> CONTAINER_CONTEXTS =
      List.of("github", "needs", "strategy", "matrix", "vars", "inputs");

  /** And {@code jobs.<id>.container.env.<name>}. */
  private static final List<String> ENV_CONTEXTS =
      List.of("github", "needs", "strategy", "matrix", "vars", "inputs", "runner", "secrets");

  public ContainerConfig {
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    ports = List.copyOf(ports);
    volumes = List.copyOf(volumes);
  }

  /**
   * Renders the {@code ${{ }}} in job {@code job}'s {@code container:} with the job's contexts, as
   * far as GitHub makes them available there (its env values may also use {@code runner} and {@code
   * secrets}), then validates it.
   *
   * @throws CiException INVALID_SPEC naming the job and the field at fault
   */
  public static ContainerConfig of(
      String job, ContainerSpec spec, Map<String, Object> jobContexts) {
    EvalContext fields = eval(jobContexts, CONTAINER_CONTEXTS);
    EvalContext envValues = eval(jobContexts, ENV_CONTEXTS);
    Map<String, String> env = new LinkedHashMap<>();
    if (spec.env() != null) {
      spec.env().forEach((k, v) -> env.put(k, render(job, "env." + k, v, envValues)));
    }
    return of(
        job,
        new ContainerSpec(
            render(job, "image", spec.image(), fields),
            spec.credentials(),
            env,
            renderAll(job, "ports", spec.ports(), fields),
            renderAll(job, "volumes", spec.volumes(), fields),
            render(job, "options", spec.options(), fields)));
  }

  private static EvalContext eval(Map<String, Object> contexts, List<String> names) {
    EvalContext.Builder b = EvalContext.builder();
    names.stream().filter(contexts::containsKey).forEach(n -> b.context(n, contexts.get(n)));
    return b.build();
  }

  private static List<String> renderAll(
      String job, String field, List<String> values, EvalContext ctx) {
    return values == null
        ? List.of()
        : values.stream().map(v -> render(job, field, v, ctx)).toList();
  }

  private static String render(String job, String field, String value, EvalContext ctx) {
    if (value == null) {
      return null;
    }
    try {
      Template t = Template.parse(value);
      return t.isLiteral() ? value : t.render(ctx);
    } catch (ExpressionException e) {
      throw invalid("job '" + job + "': container." + field + ": " + e.getMessage());
    }
  }

  /**
   * Validates a rendered {@code container:} of job {@code job}.
   *
   * @throws CiException INVALID_SPEC naming the job and the field at fault
   */
  static ContainerConfig of(String job, ContainerSpec spec) {
    String where = "job '" + job + "': container";
    if (spec.image() == null || spec.image().isBlank()) {
      throw invalid(where + ".image is empty");
    }
    if (spec.credentials() != null && !spec.credentials().isEmpty()) {
      throw invalid(
          where
              + ".credentials: the container host logs in to no registry; the image must be in"
              + " the machine's local image store");
    }
    Map<String, String> env = spec.env() == null ? Map.of() : spec.env();
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
    String user = null;
    String workdir = null;
    String entrypoint = null;
    List<String> words = words(spec.options() == null ? "" : spec.options(), where + ".options");
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      int eq = word.indexOf('=');
      String name = eq > 0 ? word.substring(0, eq) : word;
      if (!SUPPORTED_OPTIONS.contains(name)) {
        throw invalid(
            where
                + ".options: '"
                + name
                + "' is not supported by the container host (it takes --user, --workdir"
                + " and --entrypoint)");
      }
      String value;
      if (eq > 0) {
        value = word.substring(eq + 1);
      } else if (i + 1 < words.size()) {
        value = words.get(++i);
      } else {
        throw invalid(where + ".options: " + name + " needs a value");
      }
      switch (name) {
        case "--user", "-u" -> user = value;
        case "--workdir", "-w" -> workdir = absolute(where + ".options " + name, value);
        default -> entrypoint = value;
      }
    }
    return new ContainerConfig(spec.image(), env, ports, volumes, user, workdir, entrypoint);
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

  /** Splits {@code options} as a shell would split plain words: blanks, '…' and "…" quoting. */
  static List<String> words(String options, String where) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < options.length(); i++) {
      char c = options.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (quote != 0) {
      throw invalid(where + ": unterminated " + quote + " quote");
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  private static CiException invalid(String message) {
    return new CiException(ErrorCode.INVALID_SPEC, message);
  }
}
