package dev.pipewright.store;

import java.util.Objects;

/**
 * A {@code jdbc:postgresql://host[:port]/database[?params]} URL split into the parts needed to
 * reach the server's maintenance database when the target database does not exist yet.
 */
record PgUrl(String serverPrefix, String database, String params) {
  private static final String SCHEME = "jdbc:postgresql://";

  PgUrl {
    Objects.requireNonNull(serverPrefix);
    Objects.requireNonNull(database);
    Objects.requireNonNull(params);
  }

  static PgUrl parse(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith(SCHEME)) {
      throw new IllegalArgumentException("not a jdbc:postgresql:// URL: " + jdbcUrl);
    }
    int query = jdbcUrl.indexOf('?');
    String params = query < 0 ? "" : jdbcUrl.substring(query);
    String beforeQuery = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    int slash = beforeQuery.indexOf('/', SCHEME.length());
    if (slash < 0) {
      return new PgUrl(beforeQuery + "/", "", params);
    }
    return new PgUrl(beforeQuery.substring(0, slash + 1), beforeQuery.substring(slash + 1), params);
  }

  boolean hasDatabase() {
    return !database.isEmpty();
  }

  String withDatabase(String other) {
    return serverPrefix + other + params;
  }

  String url() {
    return withDatabase(database);
  }
}
