package dev.pipewright.cli.client;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a client reaches the entry API: where, with which API token, over TLS or not.
 *
 * @param token sent as {@code authorization: Bearer <token>} on every call; empty for none
 * @param tls empty for plain text
 */
public record Connection(ServerAddress address, Optional<String> token, Optional<Tls> tls) {
  public Connection {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(tls, "tls");
  }

  /** Plain text, no token: a server with authentication off. */
  public static Connection plain(ServerAddress address) {
    return new Connection(address, Optional.empty(), Optional.empty());
  }

  public Connection withToken(String value) {
    return new Connection(address, Optional.of(value), tls);
  }

  /**
   * TLS settings of a client.
   *
   * @param caFile the CAs to trust; empty for the system's
   * @param certFile a client certificate for servers that ask for one (mutual TLS), with keyFile
   */
  public record Tls(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile) {
    public Tls {
      Objects.requireNonNull(caFile, "caFile");
      if (certFile.isPresent() != keyFile.isPresent()) {
        throw new IllegalArgumentException("a client certificate needs both --cert and --key");
      }
    }
  }
}
