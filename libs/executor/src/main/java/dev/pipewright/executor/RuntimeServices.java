package dev.pipewright.executor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a job needs to reach the entry API's artifact and cache services, as the official actions
 * find them: the variables the runner gives every job ({@code ACTIONS_RUNTIME_TOKEN}, {@code
 * ACTIONS_RESULTS_URL}, {@code ACTIONS_CACHE_URL}; actions/runner src/Runner.Worker/JobRunner.cs
 * and ActionRunner.cs) and {@code ACTIONS_CACHE_SERVICE_V2}, which makes @actions/cache 4.x speak
 * the v2 Twirp service (packages/cache/src/internal/config.ts).
 *
 * @param token the job's runtime token; masked in its logs like a secret
 * @param url the entry API's HTTP base URL as the job reaches it, ending with {@code /}
 */
public record RuntimeServices(String token, String url) {
  public RuntimeServices {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(url, "url");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("a runtime token is not empty");
    }
    if (!url.endsWith("/")) {
      // The toolkit resolves its routes against the URL: without the slash the last segment goes.
      url = url + "/";
    }
  }

  /** The variables every step of the job gets. */
  public Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ACTIONS_RUNTIME_TOKEN", token);
    env.put("ACTIONS_RESULTS_URL", url);
    env.put("ACTIONS_CACHE_URL", url);
    env.put("ACTIONS_CACHE_SERVICE_V2", "true");
    return env;
  }

  /** Keeps the token out of log lines that print it. */
  @Override
  public String toString() {
    return "RuntimeServices[" + url + "]";
  }
}
