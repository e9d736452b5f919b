package dev.pipewright.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One run of the command line in this JVM, as a user would type it: exit code and output. */
record CliRun(int exit, String out, String err) {
  static final ObjectMapper JSON = new ObjectMapper();

  /** {@code pipewright args...} with {@code env} as its whole environment. */
  static CliRun of(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.commandLine(env, args)
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  JsonNode json() throws Exception {
    return JSON.readTree(out);
  }
}
