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
import dev.pipewright.store.CacheRepository;
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
 * The artifact and cache services on the entry API's HTTP side: the Twirp results services ({@link
 * TwirpArtifacts}, {@link TwirpCache}) and the blob routes their signed URLs lead to ({@link
 * BlobRoutes}), over one {@link BlobStore} and PostgreSQL, and the sweep that deletes expired
 * artifacts, abandoned uploads and caches over their repository's cap. It needs the secret key
 * file: runtime tokens and signed URLs are signed with its keys.
 */
public final class ArtifactEndpoints {
  private static final Logger log = LoggerFactory.getLogger(ArtifactEndpoints.class);

  /** How long a signed URL works: long enough for a large upload's last block. */
  static final Duration URL_LIFETIME = Duration.ofHours(6);

  private final ArtifactService service;
  private final CacheService caches;
  private final Map<String, HttpHandler> routes;
  private final DirectoryBlobStore store;

  private ArtifactEndpoints(
      ArtifactService service,
      CacheService caches,
      Map<String, HttpHandler> routes,
      DirectoryBlobStore store) {
    this.service = service;
    this.caches = caches;
    this.routes = routes;
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
    CacheService caches =
        new CacheService(
            new CacheRepository(dsl),
            store,
            clock,
            config.cacheDefaultRef(),
            config.cacheBytesPerRepository());
    Signer urlSigner = Signer.of(keys, SignedUrls.PURPOSE);
    SignedUrls urls = new SignedUrls(urlSigner, clock, URL_LIFETIME, SignedUrls.ARTIFACTS);
    SignedUrls cacheUrls = new SignedUrls(urlSigner, clock, URL_LIFETIME, SignedUrls.CACHES);
    String configured = stripSlash(config.resultsUrl());
    TwirpService.Access access =
        new TwirpService.Access(
            new RuntimeTokens(Signer.of(keys, RuntimeTokens.PURPOSE), clock),
            configured.isEmpty() ? ex -> requestBase(ex, tls) : ex -> configured);
    log.info(
        "Artifact and cache services on: blobs in {}, signed URLs to {}, default retention {}"
            + " days, caches up to {} bytes per repository, default ref {}",
        config.blobRoot(),
        configured.isEmpty() ? "the address of each request" : configured,
        config.retentionDays(),
        config.cacheBytesPerRepository(),
        config.cacheDefaultRef());
    return new ArtifactEndpoints(
        service,
        caches,
        Map.of(
            TwirpArtifacts.PATH,
            new TwirpArtifacts(service, urls, access),
            SignedUrls.ARTIFACTS,
            new BlobRoutes(service, urls),
            TwirpCache.PATH,
            new TwirpCache(caches, cacheUrls, access),
            SignedUrls.CACHES,
            new BlobRoutes(caches, cacheUrls),
            LegacyCacheRoutes.PATH,
            new LegacyCacheRoutes(caches, cacheUrls, access)),
        store);
  }

  /** Read access for Pipewright's own API (gRPC, the download route, GetBuild). */
  public ArtifactAccess access() {
    return new ArtifactAccess(service);
  }

  /** Path prefix → handler, for the entry API's HTTP server. */
  public Map<String, HttpHandler> routes() {
    return routes;
  }

  /** Runs the retention sweep every {@code period} on {@code scheduler}. */
  public void scheduleSweep(ScheduledExecutorService scheduler, Duration period) {
    long millis = period.toMillis();
    scheduler.scheduleWithFixedDelay(this::sweepNow, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * One sweep: expired artifacts, abandoned uploads, caches over their repository's cap, temporary
   * files of dead puts.
   *
   * @return how many artifacts and caches it deleted
   */
  public int sweepNow() {
    try {
      int artifacts = service.sweep();
      int evicted = caches.sweep();
      store.removeTemporaries(Instant.now().minus(ArtifactService.ABANDONED_AFTER));
      if (artifacts + evicted > 0) {
        log.info("Sweep deleted {} artifact(s) and {} cache(s)", artifacts, evicted);
      }
      return artifacts + evicted;
    } catch (IOException | RuntimeException e) {
      // The next sweep tries again; a scheduled task that throws would never run again.
      log.warn("Artifact and cache sweep failed: {}", e.toString());
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
