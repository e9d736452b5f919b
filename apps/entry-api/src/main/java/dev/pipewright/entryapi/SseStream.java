package dev.pipewright.entryapi;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent event stream (text/event-stream) on one HTTP exchange. Each write is flushed, so an
 * event reaches the browser when it is written; a client that left makes the write throw.
 */
final class SseStream {
  private final OutputStream out;

  private SseStream(OutputStream out) {
    this.out = out;
  }

  /** Sends the 200 and the stream's headers; the body then stays open for events. */
  static SseStream open(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    // Proxies such as nginx would otherwise hold events back in their buffer.
    exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
    exchange.sendResponseHeaders(200, 0);
    return new SseStream(exchange.getResponseBody());
  }

  /**
   * @param id the event's id, which the client sends back as {@code Last-Event-ID} (null: none)
   */
  void event(String name, String id, String data) throws IOException {
    StringBuilder b = new StringBuilder("event: ").append(name).append('\n');
    if (id != null) {
      b.append("id: ").append(id).append('\n');
    }
    for (String line : data.split("\n", -1)) {
      b.append("data: ").append(line).append('\n');
    }
    write(b.append('\n').toString());
  }

  /** A comment line: keeps idle connections open through proxies and finds clients that left. */
  void keepAlive() throws IOException {
    write(": keep-alive\n\n");
  }

  private void write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
