package dev.pipewright.cli.client;

import java.util.Map;

/** Where the client commands find the entry API: {@code --server}, else PIPEWRIGHT_SERVER. */
public record ServerAddress(String host, int port) {
  public static final String ENV = "PIPEWRIGHT_SERVER";
  public static final String DEFAULT = "127.0.0.1:50051";

  /** The option's value if given, else the environment's, else {@value #DEFAULT}. */
  public static ServerAddress resolve(String option, Map<String, String> env) {
    String value = option;
    if (value == null || value.isBlank()) {
      value = env.getOrDefault(ENV, "");
    }
    return parse(value.isBlank() ? DEFAULT : value.strip());
  }

  /**
   * {@code host:port}, {@code [v6]:port}, or {@code :port} for localhost.
   *
   * @throws IllegalArgumentException with a message fit to print
   */
  public static ServerAddress parse(String value) {
    int colon = value.lastIndexOf(':');
    if (colon < 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException("expected host:port, got '" + value + "'");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      host = "127.0.0.1";
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected host:port, got '" + value + "'", e);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range in '" + value + "'");
    }
    return new ServerAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
