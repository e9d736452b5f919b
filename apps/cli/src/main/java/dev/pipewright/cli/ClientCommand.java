package dev.pipewright.cli;

import dev.pipewright.cli.client.ApiClient;
import dev.pipewright.cli.client.ApiErrors;
import dev.pipewright.cli.client.Connection;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that calls the entry API: connects as {@link ClientOptions} say, and turns a failed
 * call into one clear line (exit 1) instead of a stack trace.
 */
abstract class ClientCommand implements Callable<Integer> {
  /** The help of every BUILD parameter: the API resolves a unique start of an id. */
  static final String BUILD_HELP =
      "The build id, or a start of it that only one build has (the 8 characters shown).";

  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  @Override
  public final Integer call() throws Exception {
    return withApi(client, out(), err(), this::run);
  }

  /** What a command does with a connected client. */
  interface ApiCall {
    int run(ApiClient api) throws Exception;
  }

  /**
   * Connects as {@code client} says and runs {@code call}: exit 2 for bad connection options, 1
   * with one clear line for a failed call.
   */
  static int withApi(ClientOptions client, PrintWriter out, PrintWriter err, ApiCall call)
      throws Exception {
    Connection connection;
    try {
      connection = client.connection();
    } catch (IllegalArgumentException e) {
      err.println("pipewright: " + e.getMessage());
      err.flush();
      return ExitCodes.USAGE;
    }
    ApiClient api;
    try {
      api = new ApiClient(connection);
    } catch (UncheckedIOException e) {
      err.println("pipewright: " + e.getMessage());
      err.flush();
      return ExitCodes.USAGE;
    }
    try (api) {
      return call.run(api);
    } catch (StatusRuntimeException e) {
      ApiErrors.describe(e, connection.address().toString()).forEach(err::println);
      return ExitCodes.FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  abstract int run(ApiClient api) throws Exception;

  void printJson(Object value) {
    printJsonTo(out(), value);
  }

  static void printJsonTo(PrintWriter out, Object value) {
    out.println(Documents.json(value));
  }
}
