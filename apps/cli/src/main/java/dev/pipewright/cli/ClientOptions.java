package dev.pipewright.cli;

import dev.pipewright.cli.client.Connection;
import dev.pipewright.cli.client.ServerAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How the commands that talk to an entry API reach it: {@code --server HOST:PORT}, the API token
 * ({@code --token-file FILE}, else {@code PIPEWRIGHT_TOKEN}) and TLS ({@code --tls}, {@code --ca},
 * {@code --cert}/{@code --key}).
 */
final class ClientOptions {
  static final String TOKEN_ENV = "PIPEWRIGHT_TOKEN";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description =
          "The entry API (default: $PIPEWRIGHT_SERVER, else " + ServerAddress.DEFAULT + ").")
  String server;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "A file holding the API token to send (default: $"
              + TOKEN_ENV
              + "). Make one with 'pipewright token create'.")
  Path tokenFile;

  @Option(names = "--tls", description = "Speak TLS, trusting the system's CAs (or --ca's).")
  boolean tls;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description = "PEM CA certificates to trust instead of the system's (implies --tls).")
  Path caFile;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description =
          "PEM client certificate for servers that require one (with --key; implies --tls).")
  Path certFile;

  @Option(names = "--key", paramLabel = "FILE", description = "PEM PKCS#8 key of --cert.")
  Path keyFile;

  /**
   * @throws IllegalArgumentException with a message fit to print after {@code pipewright: }
   */
  Connection connection() {
    Map<String, String> env = Main.environment(mixee);
    ServerAddress address;
    try {
      address = ServerAddress.resolve(server, env);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--server: " + e.getMessage(), e);
    }
    Optional<Connection.Tls> transport = Optional.empty();
    if (tls || caFile != null || certFile != null || keyFile != null) {
      transport =
          Optional.of(
              new Connection.Tls(
                  Optional.ofNullable(caFile),
                  Optional.ofNullable(certFile),
                  Optional.ofNullable(keyFile)));
    }
    return new Connection(address, token(env), transport);
  }

  private Optional<String> token(Map<String, String> env) {
    if (tokenFile == null) {
      String fromEnv = env.getOrDefault(TOKEN_ENV, "").strip();
      return fromEnv.isEmpty() ? Optional.empty() : Optional.of(fromEnv);
    }
    String token;
    try {
      token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("--token-file: cannot read " + tokenFile, e);
    }
    if (token.isEmpty()) {
      throw new IllegalArgumentException("--token-file: " + tokenFile + " is empty");
    }
    return Optional.of(token);
  }
}
