package dev.pipewright.ops.config;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code kubernetes.installation}: which installation a PipelineRun, Job or Secret belongs to, so
 * that two installations sharing a namespace (each with its own database) never watch, judge or
 * delete each other's objects. It becomes a label value, hence its syntax.
 *
 * <p>Unset, it is derived from {@code database.url}: an installation is its database (its builds
 * live there), every replica of one reads the same URL, and another installation uses another
 * database. The namespace adds nothing, as labels are only compared within one namespace.
 */
final class InstallationId {
  /** A Kubernetes label value: at most 63 of {@code [A-Za-z0-9._-]}, alphanumeric at both ends. */
  private static final Pattern LABEL_VALUE =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");

  private static final int NAME_CHARS = 40;
  private static final int HASH_CHARS = 10;

  private InstallationId() {}

  /** A label value, or empty for "derive it from the database URL". */
  static ValueParser<String> parser() {
    return ValueParser.of(
        t -> {
          String v = t.strip();
          if (!v.isEmpty() && !LABEL_VALUE.matcher(v).matches()) {
            throw Parsers.invalid(
                "a label value (at most 63 letters, digits, '-', '_' or '.', a letter or digit at"
                    + " both ends)",
                t);
          }
          return v;
        },
        v -> v);
  }

  /**
   * {@code <database name>-<hash>}, e.g. {@code pipewright-3f9a0c1b2d}: the name for people reading
   * labels, a hash of the URL without its parameters (host, port and database: connection options
   * do not make another database) so that two servers' databases of one name differ.
   */
  static String fromDatabaseUrl(String jdbcUrl) {
    int query = jdbcUrl.indexOf('?');
    String database = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    // jdbc:postgresql:NAME, jdbc:postgresql://HOSTS/NAME, or no name (the user's database).
    String rest = database.substring(database.indexOf(':', "jdbc:".length()) + 1);
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash + 1);
    }
    String name = rest.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    String shortName = name.substring(0, Math.min(name.length(), NAME_CHARS));
    // A name-based (MD5) UUID: a stable digest from the JDK; no secrecy is asked of it.
    String hash =
        UUID.nameUUIDFromBytes(database.getBytes(StandardCharsets.UTF_8))
            .toString()
            .replace("-", "")
            .substring(0, HASH_CHARS);
    return (shortName.isEmpty() ? "db" : shortName) + "-" + hash;
  }
}
