package dev.pipewright.cli;

import dev.pipewright.cli.client.ServerAddress;
import picocli.CommandLine.Option;

/** {@code --server HOST:PORT} of the commands that talk to an entry API. */
final class ClientOptions {
  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description =
          "The entry API (default: $PIPEWRIGHT_SERVER, else " + ServerAddress.DEFAULT + ").")
  String server;

  ServerAddress address() {
    return ServerAddress.resolve(server, System.getenv());
  }
}
