package dev.pipewright.parser.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code options} of a job's {@code container:} or of one of its {@code services:}: the {@code
 * docker create} options Pipewright gives a meaning to on every host that runs containers, parsed
 * once for the parser (a literal {@code options} is checked at parse time, with its position), the
 * container host and the pod host. Any other option is refused by name ({@link Unsupported}), never
 * ignored.
 *
 * <p>Health options are what GitHub's runner awaits before the steps start, for services only
 * (ContainerOperationProvider.cs waits on {@code .State.Health.Status} of service containers and
 * never on the job container's), so they are refused on a job container, where nothing would wait.
 *
 * @param user {@code --user}/{@code -u}, or null
 * @param workdir {@code --workdir}/{@code -w}, an absolute path, or null
 * @param entrypoint {@code --entrypoint}, or null
 * @param env {@code --env}/{@code -e NAME=VALUE}, in order
 * @param hostname {@code --hostname}/{@code -h}, or null
 * @param health the {@code --health-*} options, or null when there is no {@code --health-cmd}
 */
public record ContainerOptions(
    String user,
    String workdir,
    String entrypoint,
    Map<String, String> env,
    String hostname,
    HealthCheck health) {

  /** What {@code options} may hold; the message of every refusal lists them. */
  public static final List<String> SUPPORTED =
      List.of(
          "--user",
          "--workdir",
          "--entrypoint",
          "--env",
          "--hostname",
          "--health-cmd",
          "--health-interval",
          "--health-timeout",
          "--health-retries",
          "--health-start-period");

  private static final Map<String, String> SHORT =
      Map.of("-u", "--user", "-w", "--workdir", "-e", "--env", "-h", "--hostname");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern HOSTNAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern GO_DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  /**
   * Docker's health check of a service ({@code docker run --health-*}), with Docker's defaults for
   * what is not given: every 30 s, 30 s each, unhealthy after 3 failures in a row, no start period.
   *
   * @param command run by {@code /bin/sh -c} in the service's container (Docker's CMD-SHELL form)
   */
  public record HealthCheck(
      String command, Duration interval, Duration timeout, int retries, Duration startPeriod) {
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final int DEFAULT_RETRIES = 3;
  }

  /**
   * An option Docker takes but Pipewright does not honour (or not there): the workflow is valid,
   * the job cannot run. The parser leaves it to the hosts' checks (lint, admission, the job's
   * start), which name the host; a malformed value is a plain {@link IllegalArgumentException}, an
   * error wherever it is written.
   */
  public static final class Unsupported extends IllegalArgumentException {
    Unsupported(String message) {
      super(message);
    }
  }

  public ContainerOptions {
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  /** No options at all. */
  public static final ContainerOptions NONE =
      new ContainerOptions(null, null, null, Map.of(), null, null);

  /**
   * Parses {@code options} (null: none) as a shell splits plain words.
   *
   * @param service whether they are a service's (health options allowed) or the job container's
   * @throws IllegalArgumentException naming the option at fault
   */
  public static ContainerOptions parse(String options, boolean service) {
    if (options == null || options.isBlank()) {
      return NONE;
    }
    List<String> words = words(options);
    String user = null;
    String workdir = null;
    String entrypoint = null;
    String hostname = null;
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> health = new LinkedHashMap<>();
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      int eq = word.startsWith("--") ? word.indexOf('=') : -1;
      String given = eq > 0 ? word.substring(0, eq) : word;
      String name = SHORT.getOrDefault(given, given);
      if (!SUPPORTED.contains(name)) {
        throw new Unsupported(
            "'"
                + given
                + "' is not supported (options may hold "
                + String.join(", ", SUPPORTED)
                + ")");
      }
      if (name.startsWith("--health-") && !service) {
        throw new Unsupported(
            given + " is for services: nothing waits on a job container's health");
      }
      String value;
      if (eq > 0) {
        value = word.substring(eq + 1);
      } else if (i + 1 < words.size()) {
        value = words.get(++i);
      } else {
        throw new IllegalArgumentException(given + " needs a value");
      }
      switch (name) {
        case "--user" -> user = nonEmpty(given, value);
        case "--workdir" -> workdir = absolute(given, value);
        case "--entrypoint" -> entrypoint = nonEmpty(given, value);
        case "--hostname" -> hostname = hostname(given, value);
        case "--env" -> {
          int at = value.indexOf('=');
          String key = at > 0 ? value.substring(0, at) : value;
          if (at <= 0 || !ENV_NAME.matcher(key).matches()) {
            throw new Unsupported(
                given
                    + " '"
                    + value
                    + "' is not NAME=VALUE (the worker's own variables are not"
                    + " passed on)");
          }
          env.put(key, value.substring(at + 1));
        }
        default -> health.put(name, value);
      }
    }
    return new ContainerOptions(user, workdir, entrypoint, env, hostname, health(health));
  }

  private static HealthCheck health(Map<String, String> given) {
    if (given.isEmpty()) {
      return null;
    }
    String command = given.get("--health-cmd");
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException(
          String.join(", ", given.keySet()) + " needs --health-cmd (the command to wait on)");
    }
    int retries = HealthCheck.DEFAULT_RETRIES;
    String r = given.get("--health-retries");
    if (r != null) {
      try {
        retries = Integer.parseInt(r);
      } catch (NumberFormatException e) {
        retries = 0;
      }
      if (retries < 1) {
        throw new IllegalArgumentException("--health-retries '" + r + "' is not a number above 0");
      }
    }
    return new HealthCheck(
        command,
        duration(given, "--health-interval", HealthCheck.DEFAULT_INTERVAL),
        duration(given, "--health-timeout", HealthCheck.DEFAULT_TIMEOUT),
        retries,
        duration(given, "--health-start-period", Duration.ZERO));
  }

  /** A Go duration as Docker takes it: {@code 10s}, {@code 1m30s}, {@code 500ms}. */
  static Duration duration(Map<String, String> given, String option, Duration otherwise) {
    String text = given.get(option);
    if (text == null) {
      return otherwise;
    }
    Matcher m = GO_DURATION.matcher(text);
    double nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      nanos +=
          n
              * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
              };
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException(
          option + " '" + text + "' is not a duration such as 10s, 1m30s or 500ms");
    }
    Duration d = Duration.ofNanos(Math.round(nanos));
    if (!option.equals("--health-start-period") && d.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException(option + " '" + text + "' must be at least 1ms");
    }
    return d;
  }

  private static String nonEmpty(String option, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  private static String absolute(String option, String path) {
    if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
      throw new IllegalArgumentException(
          option + " '" + path + "' is not an absolute path in the container");
    }
    return path;
  }

  private static String hostname(String option, String value) {
    if (!HOSTNAME.matcher(value).matches()) {
      throw new IllegalArgumentException(option + " '" + value + "' is not a host name");
    }
    return value;
  }

  /**
   * Splits {@code options} as a POSIX shell splits plain words: blanks, '…' (everything literal),
   * "…" (a backslash escapes {@code " \\ $ `} in it) and a backslash outside quotes.
   */
  public static List<String> words(String options) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < options.length(); i++) {
      char c = options.charAt(i);
      if (quote == '\'') {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\'
            && i + 1 < options.length()
            && "\"\\$`".indexOf(options.charAt(i + 1)) >= 0) {
          word.append(options.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (c == '\\' && i + 1 < options.length()) {
        word = word == null ? new StringBuilder() : word;
        word.append(options.charAt(++i));
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
      throw new IllegalArgumentException("unterminated " + quote + " quote");
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
