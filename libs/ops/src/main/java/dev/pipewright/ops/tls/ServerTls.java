package dev.pipewright.ops.tls;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.ops.config.Listeners;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS identity of a process's listeners, from the PEM files of {@code tls.*}, shared by gRPC
 * (Netty takes {@link #keyManager()} and {@link #clientTrust()}) and HTTP ({@link #sslContext()}).
 * The files are read again every {@code tls.reload-interval}; when they changed and make a valid
 * pair, new connections get the new certificate, and the connections already open keep theirs. A
 * change that does not (a key renewed before its certificate, a half-written file) is logged and
 * the current identity kept until the files agree again.
 */
public final class ServerTls implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
  private static final String ALIAS = "pipewright";

  private final Listeners.Tls settings;
  private final KeyManagerView keyManager = new KeyManagerView();
  private final TrustManagerView trustManager = new TrustManagerView();
  private final SSLContext sslContext;
  private final ScheduledExecutorService reloader;
  private volatile Material material;
  private FileBytes rejected;

  /** The bytes of the three files, compared to see whether anything changed. */
  private record FileBytes(byte[] cert, byte[] key, byte[] ca) {
    boolean same(FileBytes other) {
      return other != null
          && Arrays.equals(cert, other.cert)
          && Arrays.equals(key, other.key)
          && Arrays.equals(ca, other.ca);
    }
  }

  private record Material(
      FileBytes files,
      PrivateKey key,
      X509Certificate[] chain,
      X509ExtendedTrustManager clientTrust) {}

  private ServerTls(Listeners.Tls settings, Material first) {
    this.settings = settings;
    this.material = first;
    try {
      sslContext = SSLContext.getInstance("TLS");
      sslContext.init(
          new KeyManager[] {keyManager},
          clientAuth() ? new TrustManager[] {trustManager} : null,
          null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the Java runtime has no TLS", e);
    }
    reloader =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("tls-reload").daemon().factory());
    long every = settings.reloadInterval().toMillis();
    reloader.scheduleWithFixedDelay(this::reload, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Reads the files and starts watching them.
   *
   * @throws IllegalArgumentException if TLS is off in {@code settings}
   * @throws CiException PERMANENT naming the file and what is wrong with it
   */
  public static ServerTls start(Listeners.Tls settings) {
    if (!settings.enabled()) {
      throw new IllegalArgumentException("TLS is off");
    }
    Material first;
    try {
      first = load(settings, read(settings));
    } catch (IllegalArgumentException | IOException e) {
      throw new CiException(ErrorCode.PERMANENT, "TLS: " + e.getMessage(), e);
    }
    log.info("TLS: serving {}", describe(first));
    return new ServerTls(settings, first);
  }

  /** {@link #start} when {@code settings} turn TLS on, else empty (plain text). */
  public static Optional<ServerTls> startIfEnabled(Listeners.Tls settings) {
    return settings.enabled() ? Optional.of(start(settings)) : Optional.empty();
  }

  /** The certificate and key of the moment, for gRPC's {@code TlsServerCredentials}. */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /** The client CAs of the moment, when clients must present certificates (mutual TLS). */
  public Optional<X509ExtendedTrustManager> clientTrust() {
    return clientAuth() ? Optional.of(trustManager) : Optional.empty();
  }

  public boolean clientAuth() {
    return settings.clientCaFile().isPresent();
  }

  /** Over the same key and trust managers, for the JDK HTTPS server. */
  public SSLContext sslContext() {
    return sslContext;
  }

  /** The certificate served now (the leaf). */
  public X509Certificate certificate() {
    return material.chain()[0];
  }

  /** Reads the files now instead of at the next interval; what the reloader runs. */
  void reload() {
    try {
      FileBytes files = read(settings);
      if (files.same(material.files()) || files.same(rejected)) {
        return;
      }
      try {
        material = load(settings, files);
        rejected = null;
        log.info("TLS: files changed, now serving {}", describe(material));
      } catch (IllegalArgumentException e) {
        rejected = files;
        log.warn(
            "TLS: files changed but cannot be used, still serving the previous ones: {}",
            e.getMessage());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("TLS: cannot read the files, still serving the previous ones: {}", e.toString());
    }
  }

  private static FileBytes read(Listeners.Tls s) throws IOException {
    return new FileBytes(
        Files.readAllBytes(s.certFile().orElseThrow()),
        Files.readAllBytes(s.keyFile().orElseThrow()),
        s.clientCaFile().isPresent() ? Files.readAllBytes(s.clientCaFile().get()) : null);
  }

  private static Material load(Listeners.Tls s, FileBytes files) {
    List<X509Certificate> chain =
        parse(s.certFile().orElseThrow(), () -> Pem.certificates(files.cert()));
    PrivateKey key = parse(s.keyFile().orElseThrow(), () -> Pem.privateKey(files.key()));
    if (!Pem.pair(key, chain.getFirst().getPublicKey())) {
      throw new IllegalArgumentException(
          s.keyFile().get() + " is not the key of the first certificate of " + s.certFile().get());
    }
    X509ExtendedTrustManager trust = null;
    if (files.ca() != null) {
      Path caFile = s.clientCaFile().orElseThrow();
      trust = parse(caFile, () -> trustManager(Pem.certificates(files.ca())));
    }
    return new Material(files, key, chain.toArray(X509Certificate[]::new), trust);
  }

  private interface Parse<T> {
    T get() throws GeneralSecurityException;
  }

  private static <T> T parse(Path file, Parse<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static X509ExtendedTrustManager trustManager(List<X509Certificate> cas)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException("an empty key store cannot fail to load", e);
    }
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return Arrays.stream(factory.getTrustManagers())
        .filter(X509ExtendedTrustManager.class::isInstance)
        .map(X509ExtendedTrustManager.class::cast)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no X.509 trust manager"));
  }

  private static String describe(Material m) {
    X509Certificate leaf = m.chain()[0];
    return leaf.getSubjectX500Principal().getName()
        + " (valid until "
        + leaf.getNotAfter().toInstant()
        + (m.clientTrust() != null ? ", client certificates required)" : ")");
  }

  @Override
  public void close() {
    reloader.shutdownNow();
  }

  /** Always the current certificate and key; one alias, whatever the key type asked for. */
  private final class KeyManagerView extends X509ExtendedKeyManager {
    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return material.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return material.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /** Checks client certificates against the current client CAs. */
  private final class TrustManagerView extends X509ExtendedTrustManager {
    private X509ExtendedTrustManager current() {
      return Objects.requireNonNull(material.clientTrust(), "no client CA configured");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      current().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      current().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      current().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a server's trust manager checks no servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return current().getAcceptedIssuers();
    }
  }
}
