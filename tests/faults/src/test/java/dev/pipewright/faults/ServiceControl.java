package dev.pipewright.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops and starts the machine's RabbitMQ and PostgreSQL, the way bin/lib/services.sh starts them:
 * {@code rabbitmqctl stop_app}/{@code start_app} (the Erlang node stays up, so the broker is back
 * in seconds) and {@code pg_ctlcluster VERSION main restart} of the newest cluster. Both need root
 * and the tools; {@link #brokerUnavailable()} and {@link #databaseUnavailable()} say why not, and
 * {@code PIPEWRIGHT_FAULTS_RESTARTS=off} forbids them on a machine whose services others rely on.
 * Every stop is followed by a start in a finally block, and returns only once the service accepts
 * connections again.
 */
public final class ServiceControl {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceControl.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration COME_BACK = Duration.ofSeconds(90);

  private ServiceControl() {}

  public static Optional<String> brokerUnavailable() {
    return common().or(() -> missing("rabbitmqctl")).or(() -> missing("rabbitmq-diagnostics"));
  }

  public static Optional<String> databaseUnavailable() {
    return common()
        .or(() -> missing("pg_ctlcluster"))
        .or(
            () ->
                postgresVersion().isPresent()
                    ? Optional.empty()
                    : Optional.of("no PostgreSQL cluster under /etc/postgresql"));
  }

  private static Optional<String> common() {
    if ("off".equals(System.getenv("PIPEWRIGHT_FAULTS_RESTARTS"))) {
      return Optional.of("PIPEWRIGHT_FAULTS_RESTARTS=off forbids restarting services here");
    }
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      if (!Integer.valueOf(0).equals(uid)) {
        return Optional.of("restarting a service needs root; this runs as uid " + uid);
      }
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.of("cannot tell whether this runs as root: " + e.getMessage());
    }
    return Optional.empty();
  }

  private static Optional<String> missing(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Optional.empty();
      }
    }
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return Optional.empty();
      }
    }
    return Optional.of(tool + " is not installed (no service manager to restart with)");
  }

  /** The newest cluster version, as bin/lib/services.sh picks it. */
  static Optional<String> postgresVersion() {
    Path etc = Path.of("/etc/postgresql");
    if (!Files.isDirectory(etc)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(etc)) {
      return versions
          .map(p -> p.getFileName().toString())
          .filter(v -> v.matches("\\d+(\\.\\d+)?"))
          .max(Comparator.comparingDouble(Double::parseDouble));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Stops the broker's application; {@link #startBroker()} must follow in a finally block. */
  public static void stopBroker() {
    run("rabbitmqctl", "-q", "stop_app");
    LOG.warn("RabbitMQ stopped (fault test)");
  }

  /** Starts it again and returns once it accepts AMQP connections. */
  public static Instant startBroker() {
    run("rabbitmqctl", "-q", "start_app");
    comeBack(
        "RabbitMQ",
        () -> portOpen(5672) && exitsZero("rabbitmq-diagnostics", "-q", "check_running"));
    LOG.warn("RabbitMQ running again (fault test)");
    return Instant.now();
  }

  /**
   * Restarts PostgreSQL (fast shutdown: every session is disconnected) and returns once it accepts
   * connections; on a failed restart, starts it.
   */
  public static Instant restartDatabase() {
    String version = postgresVersion().orElseThrow();
    try {
      run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast");
    } finally {
      if (!portOpen(5432)) {
        run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start");
      }
    }
    comeBack("PostgreSQL", ServiceControl::databaseAccepts);
    LOG.warn("PostgreSQL accepting connections again (fault test)");
    return Instant.now();
  }

  /** Polls {@code back} until it holds, for at most {@link #COME_BACK}. */
  private static void comeBack(String service, Callable<Boolean> back) {
    await(service + " coming back")
        .atMost(COME_BACK)
        .pollInterval(Duration.ofMillis(200))
        .until(back);
  }

  private static boolean databaseAccepts() {
    try (var c =
        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static boolean portOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean exitsZero(String... command) {
    try {
      return exec(command) == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static void run(String... command) {
    int code;
    try {
      code = exec(command);
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + " could not run", e);
    }
    if (code != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + code);
    }
  }

  private static int exec(String... command) throws IOException {
    List<String> argv = new ArrayList<>(List.of(command));
    Process p =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " took over " + COMMAND_TIMEOUT);
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    }
  }
}
