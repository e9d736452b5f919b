package dev.pipewright.ops.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The value types of the settings, each with the exact wording of its error. */
final class Parsers {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(kib|mib|gib)?");
  private static final List<String> SIZE_UNITS = List.of("KiB", "MiB", "GiB");

  private Parsers() {}

  static ValueParser<String> text() {
    return ValueParser.of(t -> t, v -> v);
  }

  static ValueParser<String> nonBlank() {
    return ValueParser.of(
        t -> {
          if (t.isBlank()) {
            throw invalid("a non-empty value", t);
          }
          return t.strip();
        },
        v -> v);
  }

  static ValueParser<Integer> port() {
    return intRange(0, 65535, "a port 0-65535");
  }

  static ValueParser<Integer> positiveInt() {
    return intRange(1, Integer.MAX_VALUE, "a positive integer");
  }

  static ValueParser<Integer> nonNegativeInt() {
    return intRange(0, Integer.MAX_VALUE, "a non-negative integer");
  }

  static ValueParser<Integer> intRange(int min, int max, String expected) {
    return number(Integer::parseInt, v -> v >= min && v <= max, expected);
  }

  static ValueParser<Long> nonNegativeLong() {
    return number(Long::parseLong, v -> v >= 0, "a non-negative integer");
  }

  private static <N extends Number> ValueParser<N> number(
      Function<String, N> parse, Predicate<N> valid, String expected) {
    return ValueParser.of(
        t -> {
          try {
            N v = parse.apply(t.strip());
            if (valid.test(v)) {
              return v;
            }
          } catch (NumberFormatException e) {
            // falls through to the uniform message
          }
          throw invalid(expected, t);
        },
        String::valueOf);
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT30S}); positive. */
  static ValueParser<Duration> duration() {
    return ValueParser.of(t -> parseDuration(t, false), Parsers::formatDuration);
  }

  /**
   * Like {@link #duration()} but a bare number means seconds and the canonical text is whole
   * seconds: for the variables named {@code *_SECONDS} that older readers parse as integers.
   */
  static ValueParser<Duration> seconds() {
    return ValueParser.of(
        t -> {
          Duration d = parseDuration(t, true);
          if (d.toMillis() % 1000 != 0) {
            throw invalid("a duration in whole seconds like 30 or 30s", t);
          }
          return d;
        },
        d -> Long.toString(d.toSeconds()));
  }

  private static Duration parseDuration(String text, boolean bareSeconds) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    String expected =
        bareSeconds
            ? "a duration like 30 (seconds), 30s, 5m or 1h"
            : "a duration like 500ms, 30s, 5m or 1h";
    Duration d = null;
    Matcher m = DURATION.matcher(t);
    if (bareSeconds && t.matches("\\d+")) {
      d = Duration.ofSeconds(Long.parseLong(t));
    } else if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
          };
    } else if (t.startsWith("pt") || t.startsWith("p")) {
      try {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        // falls through to the uniform message
      }
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw invalid(expected, text);
    }
    return d;
  }

  static String formatDuration(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  /**
   * A positive number of bytes: {@code 65536}, {@code 64KiB}, {@code 64MiB} or {@code 1GiB}; the
   * canonical text uses the largest unit that divides it.
   */
  static ValueParser<Long> byteSize() {
    return ValueParser.of(
        t -> {
          Matcher m = SIZE.matcher(t.strip().toLowerCase(Locale.ROOT));
          if (m.matches()) {
            try {
              int shift = m.group(2) == null ? 0 : 10 * (1 + unitIndex(m.group(2)));
              long n = Long.parseLong(m.group(1));
              if (n > 0 && n <= Long.MAX_VALUE >> shift) {
                return n << shift;
              }
            } catch (NumberFormatException e) {
              // falls through to the uniform message
            }
          }
          throw invalid("a size like 65536 (bytes), 64KiB, 64MiB or 1GiB", t);
        },
        Parsers::formatByteSize);
  }

  private static int unitIndex(String lowerCase) {
    return SIZE_UNITS.stream().map(u -> u.toLowerCase(Locale.ROOT)).toList().indexOf(lowerCase);
  }

  static String formatByteSize(long bytes) {
    for (int i = SIZE_UNITS.size() - 1; i >= 0; i--) {
      int shift = 10 * (i + 1);
      if (bytes % (1L << shift) == 0) {
        return (bytes >> shift) + SIZE_UNITS.get(i);
      }
    }
    return Long.toString(bytes);
  }

  /** One of {@code values}, case-insensitive; the canonical text is lower case. */
  static ValueParser<Boolean> bool() {
    return ValueParser.of(
        t ->
            switch (t.strip().toLowerCase(Locale.ROOT)) {
              case "true" -> true;
              case "false" -> false;
              default -> throw invalid("true or false", t);
            },
        String::valueOf);
  }

  static <E extends Enum<E>> ValueParser<E> oneOf(Class<E> type) {
    List<String> names =
        Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
    String expected = "one of " + String.join("|", names);
    return ValueParser.of(
        t -> {
          for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(t.strip())) {
              return e;
            }
          }
          throw invalid(expected, t);
        },
        e -> e.name().toLowerCase(Locale.ROOT));
  }

  /** A logback level name; the canonical text is upper case. */
  static ValueParser<String> logLevel() {
    Set<String> levels = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    return ValueParser.of(
        t -> {
          String v = t.strip().toUpperCase(Locale.ROOT);
          if (!levels.contains(v)) {
            throw invalid("one of trace|debug|info|warn|error|off", t);
          }
          return v;
        },
        v -> v);
  }

  static ValueParser<URI> uri(String... schemes) {
    Set<String> allowed = Set.of(schemes);
    String expected =
        "a URI like "
            + Arrays.stream(schemes)
                .map(s -> s + "://host:port")
                .collect(Collectors.joining(" or "));
    return ValueParser.of(
        t -> {
          try {
            URI u = new URI(t.strip());
            if (u.getScheme() != null && allowed.contains(u.getScheme()) && u.getHost() != null) {
              return u;
            }
          } catch (URISyntaxException e) {
            // falls through to the uniform message
          }
          throw invalid(expected, t);
        },
        URI::toString);
  }

  static ValueParser<String> jdbcPostgres() {
    return ValueParser.of(
        t -> {
          String v = t.strip();
          if (!v.startsWith("jdbc:postgresql:")) {
            throw invalid("a JDBC URL starting with jdbc:postgresql:", t);
          }
          return v;
        },
        v -> v);
  }

  static ValueParser<Path> path() {
    return ValueParser.of(
        t -> {
          try {
            if (!t.isBlank()) {
              return Path.of(t.strip());
            }
          } catch (InvalidPathException e) {
            // falls through to the uniform message
          }
          throw invalid("a file system path", t);
        },
        Path::toString);
  }

  /** Comma-separated values, blanks dropped: an empty text is an empty list. */
  static ValueParser<List<String>> list() {
    return ValueParser.of(
        t -> Arrays.stream(t.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList(),
        v -> String.join(",", v));
  }

  /** An optional file: empty text means none. */
  static ValueParser<Optional<Path>> optionalPath() {
    ValueParser<Path> path = path();
    return ValueParser.of(
        t -> t.isBlank() ? Optional.empty() : Optional.of(path.parse(t)),
        v -> v.map(Path::toString).orElse(""));
  }

  /**
   * An IPv4 or IPv6 address literal, never a host name: resolving one could pick any of its
   * addresses, and whether the address is loopback decides what {@link Listeners#checkExposure}
   * allows.
   */
  static ValueParser<String> ipAddress() {
    return ValueParser.of(
        t -> {
          String v = t.strip();
          if (isIpv4(v) || (v.contains(":") && isIpv6(v))) {
            return v;
          }
          throw invalid("an IP address such as 127.0.0.1, 0.0.0.0 or ::", t);
        },
        v -> v);
  }

  private static boolean isIpv4(String v) {
    String[] parts = v.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  // With a ':' the JDK parses the text as an IPv6 literal and never asks DNS.
  private static boolean isIpv6(String v) {
    try {
      return InetAddress.getByName(v) instanceof Inet6Address;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * {@code key=value} pairs: in a variable comma-separated ({@code
   * ubuntu-latest=ubuntu:24.04,...}), in YAML a mapping. Order is kept (the first matching runs-on
   * label wins).
   */
  static ValueParser<Map<String, String>> pairs() {
    return new ValueParser<>() {
      @Override
      public Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
          if (pair.isBlank()) {
            continue;
          }
          int eq = pair.indexOf('=');
          if (eq <= 0 || eq == pair.length() - 1) {
            throw invalid("comma-separated key=value pairs", text);
          }
          out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return java.util.Collections.unmodifiableMap(out);
      }

      @Override
      public Map<String, String> parseMapping(Map<String, String> entries) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
      }

      @Override
      public String format(Map<String, String> value) {
        return value.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
      }
    };
  }

  static IllegalArgumentException invalid(String expected, String got) {
    return new IllegalArgumentException("expected " + expected + ", got '" + got + "'");
  }
}
