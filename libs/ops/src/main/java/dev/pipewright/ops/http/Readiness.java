package dev.pipewright.ops.http;

import dev.pipewright.text.JsonStrings;
import java.util.List;

/**
 * The outcome of one {@code /readyz} request.
 *
 * @param status {@code ready}, {@code not_ready} or {@code shutting_down}
 */
public record Readiness(String status, List<Check> checks) {
  public Readiness {
    checks = List.copyOf(checks);
  }

  /**
   * @param error why it is down, null when up
   */
  public record Check(String name, boolean up, long millis, String error) {}

  public boolean ready() {
    return status.equals("ready");
  }

  /**
   * {@code {"status":"not_ready","checks":[{"name":"database","status":"up","millis":3},
   * {"name":"rabbitmq","status":"down","millis":2000,"error":"timed out after 2000 ms"}]}}
   */
  public String toJson() {
    StringBuilder out = new StringBuilder("{\"status\":");
    JsonStrings.quote(out, status);
    out.append(",\"checks\":[");
    for (int i = 0; i < checks.size(); i++) {
      Check c = checks.get(i);
      out.append(i == 0 ? "{\"name\":" : ",{\"name\":");
      JsonStrings.quote(out, c.name());
      out.append(",\"status\":\"").append(c.up() ? "up" : "down").append("\",\"millis\":");
      out.append(c.millis());
      if (c.error() != null) {
        out.append(",\"error\":");
        JsonStrings.quote(out, c.error());
      }
      out.append('}');
    }
    return out.append("]}").toString();
  }
}
