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
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

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
 * which {@link #unreachable} puts in words for the job's log; so is an HTTPS entry API whose
 * certificate does not name {@link #HOST_NAME}, which the toolkit's client checks (Node's {@code
 * tls.checkServerIdentity}) and refuses.
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

  /** The names a TLS server's certificate is valid for, read as a container would find them. */
  @FunctionalInterface
  interface CertificateNames {
    List<String> of(InetSocketAddress address) throws IOException;
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
   * @param names the certificate's names at that address, asked for an {@code https} URL only
   */
  static Optional<String> unreachable(
      String url, Optional<String> hostAddress, Probe probe, CertificateNames names) {
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
    boolean tls = "https".equalsIgnoreCase(u.getScheme());
    InetSocketAddress address =
        new InetSocketAddress(hostAddress.get(), u.getPort() != -1 ? u.getPort() : tls ? 443 : 80);
    try {
      probe.connect(address);
      List<String> named = tls ? names.of(address) : List.of();
      if (tls && named.stream().noneMatch(HostLoopback::namesHost)) {
        return Optional.of(
            what
                + ", whose TLS certificate names "
                + (named.isEmpty() ? "nothing" : String.join(", ", named))
                + ", not "
                + HOST_NAME
                + ": the toolkit's client refuses it; the artifact and cache services will fail in"
                + " this job. Add "
                + HOST_NAME
                + " to the certificate's subject alternative names, or give the worker an"
                + " artifacts.results-url that containers reach by a name the certificate has");
      }
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
  static Optional<String> unreachable(
      String url, Path hostsFile, Probe probe, CertificateNames names) {
    String hosts;
    try {
      hosts = Files.readString(hostsFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    return unreachable(url, hostAddress(hosts), probe, names);
  }

  /** A TCP connection within {@link #PROBE_MILLIS}, closed at once. */
  static void connect(InetSocketAddress address) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address, PROBE_MILLIS);
    }
  }

  /**
   * Whether a certificate's DNS name covers {@link #HOST_NAME}: the name itself, or a wildcard of
   * its leftmost label only, as Node's {@code tls.checkServerIdentity} matches them.
   */
  static boolean namesHost(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals(HOST_NAME) || n.equals("*" + HOST_NAME.substring(HOST_NAME.indexOf('.')));
  }

  /**
   * The subject alternative names (DNS and IP) of the certificate the TLS server at {@code address}
   * presents, or its subject's common name when it has none (Node falls back to it then). The
   * certificate is read, not trusted: the handshake checks nothing and nothing is sent over it.
   */
  static List<String> certificateNames(InetSocketAddress address) throws IOException {
    try (SSLSocket s = (SSLSocket) readingContext().getSocketFactory().createSocket()) {
      s.connect(address, PROBE_MILLIS);
      s.setSoTimeout(PROBE_MILLIS);
      s.startHandshake();
      X509Certificate cert = (X509Certificate) s.getSession().getPeerCertificates()[0];
      List<String> names = new ArrayList<>();
      Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
      for (List<?> san : alternatives == null ? List.<List<?>>of() : alternatives) {
        // 2: dNSName, 7: iPAddress (RFC 5280), as strings.
        if (san.get(0) instanceof Integer type && (type == 2 || type == 7)) {
          names.add(String.valueOf(san.get(1)));
        }
      }
      if (names.isEmpty()) {
        LdapName subject = new LdapName(cert.getSubjectX500Principal().getName());
        subject.getRdns().stream()
            .filter(r -> r.getType().equalsIgnoreCase("CN"))
            .forEach(r -> names.add(String.valueOf(r.getValue())));
      }
      return names;
    } catch (CertificateParsingException | InvalidNameException e) {
      throw new IOException("unreadable certificate: " + e.getMessage(), e);
    }
  }

  /** A TLS context that accepts any certificate: only to read what the server presents. */
  private static SSLContext readingContext() throws IOException {
    X509TrustManager any =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {any}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("no TLS here: " + e.getMessage(), e);
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
