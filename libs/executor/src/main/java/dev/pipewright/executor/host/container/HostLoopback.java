package dev.pipewright.executor.host.container;

import dev.pipewright.executor.RuntimeServices;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The entry API's URL as a job container reaches it. A worker given a loopback URL ({@code
 * artifacts.results-url} {@code http://127.0.0.1:8080}: the entry API on the worker's machine)
 * would hand the container an address that, inside it, is the container itself: podman gives every
 * container of a bridge or slirp4netns network a loopback of its own, and names the machine that
 * runs it {@code host.containers.internal} in the container's {@code /etc/hosts} (podman 4.1 and
 * later). So a container job gets the URL with that name instead, as act's cache server hands its
 * job containers the machine's outbound address rather than loopback (nektos/act
 * pkg/artifactcache/handler.go, {@code ExternalURL}). That address is the machine's side of the
 * container network, not its loopback: an entry API listening on loopback only stays out of reach,
 * which {@link #unreachable} puts in words for the job's log.
 */
final class HostLoopback {
  /** The name podman gives the container's host in its {@code /etc/hosts}. */
  static final String HOST_NAME = "host.containers.internal";

  /** How long the worker tries to connect where a container would. */
  static final int PROBE_MILLIS = 2000;

  /** Connects to an address as a container would, or throws why not. */
  @FunctionalInterface
  interface Probe {
    void connect(InetSocketAddress address) throws IOException;
  }

  private HostLoopback() {}

  /** Whether {@code url} names this machine's loopback (a name, an IPv4 or the IPv6 address). */
  static boolean onLoopback(String url) {
    String host = host(url);
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost")
        || h.endsWith(".localhost")
        || h.equals("[::1]")
        || h.equals("::1")
        || h.matches("127(\\.\\d{1,3}){3}");
  }

  /** {@code url} with {@link #HOST_NAME} for a loopback host; any other URL as it is. */
  static String inContainer(String url) {
    if (!onLoopback(url)) {
      return url;
    }
    URI u = URI.create(url);
    try {
      return new URI(
              u.getScheme(),
              u.getUserInfo(),
              HOST_NAME,
              u.getPort(),
              u.getPath(),
              u.getQuery(),
              u.getFragment())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + url, e);
    }
  }

  /** The services with {@link #inContainer} URLs; the same token. */
  static RuntimeServices inContainer(RuntimeServices services) {
    return onLoopback(services.url())
        ? new RuntimeServices(services.token(), inContainer(services.url()))
        : services;
  }

  /** The address {@link #HOST_NAME} has in a container's {@code /etc/hosts} text, if it has one. */
  static Optional<String> hostAddress(String hostsFile) {
    for (String line : hostsFile.split("\n")) {
      String[] fields = line.replaceFirst("#.*", "").trim().split("\\s+");
      for (int i = 1; i < fields.length; i++) {
        if (fields[i].equalsIgnoreCase(HOST_NAME)) {
          return Optional.of(fields[0]);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Why a container cannot reach the services at loopback {@code url} of the worker, for the job's
   * log; empty when it can (or the URL is not on loopback).
   *
   * @param hostAddress {@link #HOST_NAME}'s address in the container, empty when podman gave none
   * @param probe tries that address from the worker: what the container reaches there, the worker
   *     reaches too (the machine's side of the container network)
   */
  static Optional<String> unreachable(String url, Optional<String> hostAddress, Probe probe) {
    if (!onLoopback(url)) {
      return Optional.empty();
    }
    String seen = inContainer(url);
    String what =
        "ACTIONS_RESULTS_URL and ACTIONS_CACHE_URL: the entry API's URL "
            + url
            + " is the worker's loopback, which a job container reaches as "
            + seen;
    String remedy =
        "; the artifact and cache services will fail in this job. Let the entry API listen where"
            + " containers reach the machine (listeners.bind-address, e.g. 0.0.0.0), or give the"
            + " worker an artifacts.results-url that containers reach";
    if (hostAddress.isEmpty()) {
      return Optional.of(
          what
              + ", but the container's /etc/hosts has no "
              + HOST_NAME
              + " (podman adds it from 4.1 on, not with --no-hosts)"
              + remedy);
    }
    URI u = URI.create(url);
    int port = u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    try {
      probe.connect(new InetSocketAddress(hostAddress.get(), port));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(
          what
              + " ("
              + hostAddress.get()
              + "), where nothing answers ("
              + e.getMessage()
              + ")"
              + remedy);
    }
  }

  /**
   * {@link #unreachable} for a container whose {@code /etc/hosts} is {@code hostsFile} on the
   * worker; empty also when that file cannot be read (nothing to tell then).
   */
  static Optional<String> unreachable(String url, Path hostsFile, Probe probe) {
    String hosts;
    try {
      hosts = Files.readString(hostsFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    return unreachable(url, hostAddress(hosts), probe);
  }

  /** A TCP connection within {@link #PROBE_MILLIS}, closed at once. */
  static void connect(InetSocketAddress address) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address, PROBE_MILLIS);
    }
  }

  private static String host(String url) {
    try {
      return new URI(url).getHost();
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
