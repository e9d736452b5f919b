package dev.pipewright.cli;

import dev.pipewright.auth.IssuedToken;
import dev.pipewright.auth.Role;
import dev.pipewright.auth.TokenInfo;
import dev.pipewright.models.CiException;
import dev.pipewright.ops.config.ConfigException;
import dev.pipewright.ops.config.PipewrightConfig;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pipewright token create|list|revoke}: the API tokens of an installation. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Create, list and revoke API tokens. Roles: read (builds and logs), submit (also start and"
          + " cancel builds), admin (also tokens).",
      "Through the entry API with an admin token (PIPEWRIGHT_TOKEN or --token-file), or with"
          + " --database straight in PostgreSQL, no server or token needed: how the first admin"
          + " token is made."
    },
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListAll.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand {

  /** What every token subcommand takes: where the tokens are, and how to print them. */
  abstract static class Base implements Callable<Integer> {
    static final String CONFIGURED = "configured";

    @Spec CommandSpec spec;

    @Mixin ClientOptions client;

    @Mixin ConfigOptions configOptions;

    @Mixin OutputOptions output;

    @Option(
        names = "--database",
        arity = "0..1",
        paramLabel = "JDBC_URL",
        fallbackValue = CONFIGURED,
        description =
            "Work straight in PostgreSQL instead of through the entry API: the JDBC URL given, else"
                + " database.url of the configuration (--config FILE, PIPEWRIGHT_CONFIG,"
                + " PIPEWRIGHT_DATABASE_*). Needs no server and no token.")
    String database;

    abstract int run(Tokens tokens, PrintWriter out, PrintWriter err);

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        if (database == null) {
          if (configOptions.file != null || configOptions.check) {
            err.println("pipewright: --config and --check-config go with --database");
            return ExitCodes.USAGE;
          }
          return ClientCommand.withApi(client, out, err, api -> run(Tokens.remote(api), out, err));
        }
        return direct(out, err);
      } finally {
        out.flush();
        err.flush();
      }
    }

    private int direct(PrintWriter out, PrintWriter err) {
      PipewrightConfig config;
      try {
        config = configOptions.load();
      } catch (ConfigException e) {
        return ConfigOptions.reject(e, err);
      }
      if (configOptions.check) {
        out.println(config.describe());
        return ExitCodes.OK;
      }
      PipewrightConfig.Database db = config.database();
      if (!database.equals(CONFIGURED)) {
        db =
            new PipewrightConfig.Database(
                database, db.user(), db.password(), db.poolSize(), db.connectTimeout());
      }
      try (Tokens tokens = Tokens.direct(db)) {
        return run(tokens, out, err);
      } catch (CiException e) {
        err.println("pipewright: " + e.getMessage());
        return ExitCodes.FAILED;
      }
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create a token and print it on standard output: it is shown this once (only its hash"
            + " is stored).",
        "Exit codes: 0 created, 1 a live token has that name or the API failed, 2 usage error."
      })
  static final class Create extends Base {
    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "Unique among live tokens: 1-63 letters, digits, '.', '_', '-'.")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        converter = RoleConverter.class,
        description = "read, submit or admin.")
    Role role;

    @Override
    int run(Tokens tokens, PrintWriter out, PrintWriter err) {
      try {
        TokenInfo.checkName(name);
      } catch (IllegalArgumentException e) {
        err.println("pipewright: --name: " + e.getMessage());
        return ExitCodes.USAGE;
      }
      IssuedToken issued = tokens.create(name, role);
      if (output.json()) {
        Map<String, Object> json = json(issued.info());
        json.put("token", issued.token().reveal());
        ClientCommand.printJsonTo(out, json);
      } else {
        out.println(issued.token().reveal());
      }
      err.println(
          "pipewright: created API token "
              + name
              + " ("
              + issued.info().id()
              + ", "
              + role
              + "); it is shown this once: store it now (e.g. in a file for --token-file)");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List every token, live and revoked, oldest first; never a secret.",
        "Exit codes: 0 listed, 1 the API failed, 2 usage error."
      })
  static final class ListAll extends Base {
    @Override
    int run(Tokens tokens, PrintWriter out, PrintWriter err) {
      List<TokenInfo> all = tokens.list();
      if (output.json()) {
        ClientCommand.printJsonTo(
            out, Map.of("tokens", all.stream().map(TokenCommand::json).toList()));
        return ExitCodes.OK;
      }
      String row = "%-12s  %-24s  %-6s  %-20s  %s%n";
      out.printf(row, "ID", "NAME", "ROLE", "CREATED", "REVOKED");
      for (TokenInfo t : all) {
        out.printf(
            row,
            t.id(),
            t.name(),
            t.role(),
            seconds(t.createdAt()),
            t.revokedAt().map(TokenCommand::seconds).orElse("-"));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Revoke the live token of that name: calls with it are refused from now on.",
        "Exit codes: 0 revoked, 1 no live token has that name or the API failed, 2 usage error."
      })
  static final class Revoke extends Base {
    @Parameters(paramLabel = "NAME", description = "The token's name (see 'token list').")
    String name;

    @Override
    int run(Tokens tokens, PrintWriter out, PrintWriter err) {
      TokenInfo revoked = tokens.revoke(name);
      if (output.json()) {
        ClientCommand.printJsonTo(out, json(revoked));
      } else {
        out.println("revoked API token " + revoked.name() + " (" + revoked.id() + ")");
      }
      return ExitCodes.OK;
    }
  }

  /** Stable snake_case fields, like {@code status --output json}. */
  static Map<String, Object> json(TokenInfo t) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", t.id());
    json.put("name", t.name());
    json.put("role", t.role().id());
    json.put("create_time", t.createdAt().toString());
    json.put("revoke_time", t.revokedAt().map(Instant::toString).orElse(null));
    return json;
  }

  private static String seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** {@code --role read|submit|admin}, any case, with the list in the error. */
  static final class RoleConverter implements CommandLine.ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      try {
        return Role.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
