package dev.pipewright.ops.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pipewright.auth.Authenticator;
import dev.pipewright.auth.Role;
import dev.pipewright.auth.Verdict;
import dev.pipewright.ops.access.Refusals;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import java.util.Objects;

/**
 * HTTP routes that need an API token: {@code authorization: Bearer <token>} as on gRPC. A missing
 * or invalid token is answered 401 with {@code WWW-Authenticate: Bearer} (RFC 6750), a token whose
 * role is too small 403; both are counted and logged by {@link Refusals}.
 */
public final class HttpGuard {
  private static final String TEXT = "text/plain; charset=utf-8";

  private final Authenticator authenticator;
  private final Refusals refusals;

  public HttpGuard(Authenticator authenticator, PipewrightMetrics metrics) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.refusals = new Refusals(metrics);
  }

  /** {@code next}, for callers whose token has at least {@code role}. */
  public HttpHandler require(Role role, HttpHandler next) {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(next, "next");
    return exchange -> {
      String target = exchange.getRequestURI().getPath();
      Verdict verdict =
          authenticator.check(
              exchange.getRequestHeaders().getFirst("Authorization"),
              role,
              exchange.getRequestMethod() + " " + target);
      if (verdict instanceof Verdict.Refused refused) {
        refusals.record(PipewrightMetrics.Transport.HTTP, target, peer(exchange), refused);
        boolean unauthenticated = refused.refusal() == Verdict.Refusal.UNAUTHENTICATED;
        if (unauthenticated) {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"pipewright\"");
        }
        OpsHttpServer.reply(exchange, unauthenticated ? 401 : 403, TEXT, refused.reason() + "\n");
        return;
      }
      next.handle(exchange);
    };
  }

  private static String peer(HttpExchange exchange) {
    return exchange.getRemoteAddress() == null
        ? "unknown"
        : exchange.getRemoteAddress().getAddress().getHostAddress();
  }
}
