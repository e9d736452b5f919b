package dev.pipewright.entryapi.artifacts;

import com.sun.net.httpserver.HttpExchange;
import dev.pipewright.blobs.BlobNotFoundException;
import dev.pipewright.blobs.BlobTransfer;
import dev.pipewright.blobs.StoredBlob;
import java.io.IOException;
import java.io.OutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a finished upload's bytes over HTTP (an artifact or a cache entry), for the toolkit's
 * signed URLs and Pipewright's own download route alike: the whole content (200), or the one range
 * a {@code bytes=a-b} / {@code bytes=a-} header asks for (206, as the toolkit's blob client and
 * {@code curl -C -} ask), with {@code Content-Length}, {@code Accept-Ranges} and the SHA-256 as
 * {@code ETag}; HEAD gets the headers only. Content the blob store lost is a 500 saying so.
 * Streamed from the blob store: never a whole artifact in memory.
 */
final class ArtifactBytes {
  private static final Logger log = LoggerFactory.getLogger(ArtifactBytes.class);
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  /** How a route words a refusal (the toolkit's routes answer in Azure's XML). */
  interface Refusal {
    void send(HttpExchange exchange, int status, String code, String message) throws IOException;
  }

  private ArtifactBytes() {}

  /**
   * @param range the request's range header, or null for the whole content
   */
  static void send(
      HttpExchange exchange, BlockUploads uploads, StoredBlob blob, String range, Refusal refusal)
      throws IOException {
    long size = blob.size();
    long offset = 0;
    long length = size;
    int status = 200;
    if (range != null) {
      Matcher m = RANGE.matcher(range.strip());
      if (!m.matches()) {
        refusal.send(exchange, 416, "InvalidRange", "unsupported range " + range);
        return;
      }
      offset = Long.parseLong(m.group(1));
      long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
      if (offset >= size || last < offset) {
        exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
        refusal.send(
            exchange, 416, "InvalidRange", "range " + range + " outside " + size + " bytes");
        return;
      }
      length = last - offset + 1;
      status = 206;
      exchange
          .getResponseHeaders()
          .set("Content-Range", "bytes " + offset + "-" + last + "/" + size);
    }
    exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
    exchange.getResponseHeaders().set("ETag", "\"" + blob.sha256() + "\"");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    // Opened before the status is sent, so a missing blob is still an error response; a damaged
    // one is found before its last bytes are sent: the connection is cut, the client sees a short
    // body and its own hash check fails.
    BlobTransfer opened;
    try {
      opened = uploads.transfer(blob, offset, length);
    } catch (BlobNotFoundException e) {
      String lost = ArtifactAccess.missingContent(blob.sha256());
      log.error("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), lost);
      refusal.send(exchange, 500, "InternalError", lost);
      return;
    }
    try (BlobTransfer content = opened) {
      exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
      if (length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          content.to(out);
        }
      }
    }
  }
}
