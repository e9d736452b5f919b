package dev.pipewright.ops.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How every listener of a process is exposed (the entry API's gRPC and HTTP, the worker's HTTP):
 * the address it binds, whether callers need an API token, and TLS.
 *
 * @param bindAddress an IP address literal; {@code 0.0.0.0} or {@code ::} for every interface
 */
public record Listeners(String bindAddress, AuthMode auth, MetricsAccess metrics, Tls tls) {
  public Listeners {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(tls, "tls");
  }

  /**
   * TLS from PEM files, read again every {@code reloadInterval} so a renewed certificate is used
   * for new connections without a restart.
   *
   * @param clientCaFile when present, clients must present a certificate issued by one of its CAs
   */
  public record Tls(
      Optional<Path> certFile,
      Optional<Path> keyFile,
      Optional<Path> clientCaFile,
      Duration reloadInterval) {
    public Tls {
      Objects.requireNonNull(certFile, "certFile");
      Objects.requireNonNull(keyFile, "keyFile");
      Objects.requireNonNull(clientCaFile, "clientCaFile");
      Objects.requireNonNull(reloadInterval, "reloadInterval");
      if (certFile.isPresent() != keyFile.isPresent()) {
        throw new IllegalArgumentException("TLS needs both a certificate and a key file");
      }
      if (clientCaFile.isPresent() && certFile.isEmpty()) {
        throw new IllegalArgumentException("a client CA needs TLS (a certificate and a key)");
      }
    }

    /** Server TLS from these files, without client certificates. */
    public static Tls of(Path certFile, Path keyFile, Duration reloadInterval) {
      return new Tls(Optional.of(certFile), Optional.of(keyFile), Optional.empty(), reloadInterval);
    }

    public Tls withClientCa(Path caFile) {
      return new Tls(certFile, keyFile, Optional.of(caFile), reloadInterval);
    }

    public boolean enabled() {
      return certFile.isPresent();
    }
  }

  /** The defaults of CONFIGURATION.md: loopback, tokens required, metrics open, no TLS. */
  public static Listeners defaults() {
    return PipewrightConfig.defaults().listeners();
  }

  public boolean authEnabled() {
    return auth == AuthMode.TOKEN;
  }

  /** Whether {@code /metrics} asks for a token. */
  public boolean metricsNeedToken() {
    return authEnabled() && metrics == MetricsAccess.TOKEN;
  }

  /** Whether only this machine can reach the listeners ({@code 127.0.0.0/8}, {@code ::1}). */
  public boolean loopback() {
    try {
      return InetAddress.getByName(bindAddress).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an IP address: " + bindAddress, e);
    }
  }

  /**
   * The one rule about exposure, checked by every service before it listens: other machines may
   * reach a non-loopback address, so without authentication anyone there could run commands on the
   * workers. Refused unless the operator said {@code --insecure}, and then warned about on every
   * start. With the local executor the commands would run on the worker's own machine as its user
   * (the process host is single-tenant: builds are not isolated from each other), which the error
   * and the warning say.
   *
   * @param insecure the service was started with {@code --insecure}
   * @param executor where the installation runs jobs
   * @return the warning to log when the service runs exposed on purpose
   * @throws ConfigException when it would run exposed by accident
   */
  public Optional<String> checkExposure(boolean insecure, Executor executor) {
    if (authEnabled() || loopback()) {
      return Optional.empty();
    }
    boolean processHost = executor == Executor.LOCAL;
    String onTheWorker =
        processHost
            ? " and, with "
                + Settings.EXECUTOR.env()
                + "=local, as the worker's user on its machine, where builds are not isolated from"
                + " each other (the process host is single-tenant)"
            : "";
    if (!insecure) {
      throw new ConfigException(
          List.of(
              Settings.BIND_ADDRESS.env()
                  + ": "
                  + bindAddress
                  + " is reachable from other machines and "
                  + Settings.AUTH.env()
                  + " is off, so anyone there could run commands on the workers"
                  + onTheWorker
                  + ": turn authentication on ("
                  + Settings.AUTH.env()
                  + "=token), bind 127.0.0.1, or pass --insecure to run like this anyway"));
    }
    return Optional.of(
        "INSECURE: listening on "
            + bindAddress
            + " without authentication (--insecure): anyone who reaches these ports can start"
            + " builds, which run commands on the workers"
            + onTheWorker
            + ", and read every log");
  }

  public Listeners withAuth(AuthMode mode) {
    return new Listeners(bindAddress, mode, metrics, tls);
  }

  public Listeners withMetrics(MetricsAccess access) {
    return new Listeners(bindAddress, auth, access, tls);
  }

  public Listeners withBindAddress(String address) {
    return new Listeners(address, auth, metrics, tls);
  }

  public Listeners withTls(Tls settings) {
    return new Listeners(bindAddress, auth, metrics, settings);
  }
}
