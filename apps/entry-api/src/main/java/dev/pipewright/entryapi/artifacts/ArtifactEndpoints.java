package dev.pipewright.entryapi.artifacts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pipewright.auth.RuntimeTokens;
import dev.pipewright.blobs.BlobStore;
import dev.pipewright.blobs.DirectoryBlobStore;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.secrets.SecretKeys;
import dev.pipewright.secrets.Signer;
import dev.pipewright.store.ArtifactRepository;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The artifact service on the entry API's HTTP side: the Twirp results service ({@link
 * TwirpArtifacts}) and the blob routes its signed URLs lead to ({@link BlobRoutes}), over a {@link
 * BlobStore} and PostgreSQL, and the sweep that deletes expired artifacts. It needs the secret key
 * file: runtime tokens and signed URLs are signed with its keys.
 */
public final class ArtifactEndpoints {
  private static final Logger log = LoggerFactory.getLogger(ArtifactEndpoints.class);

  /** How long a signed URL works: long enough for a large upload's last block. */
  static final Duration URL_LIFETIME = Duration.ofHours(6);

  private final ArtifactService service;
  private final TwirpArtifacts twirp;
  private final BlobRoutes blobRoutes;
  private final DirectoryBlobStore store;

  private ArtifactEndpoints(
      ArtifactService service,
      TwirpArtifacts twirp,
      BlobRoutes blobRoutes,
      DirectoryBlobStore store) {
    this.service = service;
    this.twirp = twirp;
    this.blobRoutes = blobRoutes;
    this.store = store;
  }

  /**
   * @param tls whether the HTTP side speaks TLS (for the URLs made from a request's address)
   */
  public static ArtifactEndpoints create(
      PipewrightConfig.Artifacts config, SecretKeys keys, DSLContext dsl, boolean tls)
      throws IOException {
    Clock clock = Clock.systemUTC();
    DirectoryBlobStore store = new DirectoryBlobStore(config.blobRoot());
    ArtifactService service =
        new ArtifactService(new ArtifactRepository(dsl), store, clock, config.retentionDays());
    SignedUrls urls = new SignedUrls(Signer.of(keys, SignedUrls.PURPOSE), clock, URL_LIFETIME);
    RuntimeTokens tokens = new RuntimeTokens(Signer.of(keys, RuntimeTokens.PURPOSE), clock);
    String configured = stripSlash(config.resultsUrl());
    java.util.function.Function<HttpExchange, String> base =
        configured.isEmpty() ? ex -> requestBase(ex, tls) : ex -> configured;
    log.info(
        "Artifact service on: blobs in {}, signed URLs to {}, default retention {} days",
        config.blobRoot(),
        configured.isEmpty() ? "the address of each request" : configured,
        config.retentionDays());
    return new ArtifactEndpoints(
        service,
        new TwirpArtifacts(service, tokens, urls, base),
        new BlobRoutes(service, urls),
        store);
  }

  /** Read access for Pipewright's own API (gRPC, the download route, GetBuild). */
  public ArtifactAccess access() {
    return new ArtifactAccess(service);
  }

  /** Path prefix → handler, for the entry API's HTTP server. */
  public Map<String, HttpHandler> routes() {
    return Map.of(TwirpArtifacts.PATH, twirp, SignedUrls.PATH, blobRoutes);
  }

  /** Runs the retention sweep every {@code period} on {@code scheduler}. */
  public void scheduleSweep(ScheduledExecutorService scheduler, Duration period) {
    long millis = period.toMillis();
    scheduler.scheduleWithFixedDelay(this::sweepNow, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** One sweep: expired artifacts, abandoned uploads, temporary files of dead puts. */
  public int sweepNow() {
    try {
      int swept = service.sweep();
      store.removeTemporaries(Instant.now().minus(ArtifactService.ABANDONED_AFTER));
      if (swept > 0) {
        log.info("Artifact sweep deleted {} artifact(s)", swept);
      }
      return swept;
    } catch (IOException | RuntimeException e) {
      // The next sweep tries again; a scheduled task that throws would never run again.
      log.warn("Artifact sweep failed: {}", e.toString());
      return 0;
    }
  }

  private static String requestBase(HttpExchange exchange, boolean tls) {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host == null || host.isBlank()) {
      host =
          exchange.getLocalAddress().getHostString() + ":" + exchange.getLocalAddress().getPort();
    }
    return (tls ? "https://" : "http://") + host;
  }

  private static String stripSlash(String url) {
    String u = url.strip();
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }
}
