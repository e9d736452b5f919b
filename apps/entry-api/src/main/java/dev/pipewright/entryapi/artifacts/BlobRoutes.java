package dev.pipewright.entryapi.artifacts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.pipewright.blobs.BlobIntegrityException;
import dev.pipewright.blobs.StoredBlob;
import dev.pipewright.entryapi.QueryString;
import dev.pipewright.models.CiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * {@code /_artifacts/blob/<id>?<signature>} and {@code /_caches/blob/<id>?<signature>}: where the
 * signed URLs lead, speaking the part of the Azure Blob REST API the toolkit's blob client uses.
 * Upload is {@code BlockBlobClient.uploadStream} (artifact blob-upload.ts) or {@code uploadFile}
 * (cache uploadUtils.ts): Put Block ({@code PUT ?comp=block&blockid=…}, 201) for each chunk,
 * several at once, then Put Block List ({@code PUT ?comp=blocklist}, an XML list of block ids,
 * 201); a file under {@code maxSingleShotSize} is one Put Blob ({@code PUT} with {@code
 * x-ms-blob-type: BlockBlob}, 201). Download (download-artifact.ts, cache downloadUtils.ts) is a
 * plain {@code GET}, answered 200, or 206 for a {@code Range}. Refusals carry Azure's XML error
 * body and {@code x-ms-error-code}.
 */
final class BlobRoutes implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(BlobRoutes.class);
  private static final int MAX_BLOCK_LIST = 4 * 1024 * 1024;
  private static final Pattern BLOCK_ID = Pattern.compile("[A-Za-z0-9+/=_-]{1,128}");

  private final BlobTarget service;
  private final SignedUrls urls;

  BlobRoutes(BlobTarget service, SignedUrls urls) {
    this.service = Objects.requireNonNull(service);
    this.urls = Objects.requireNonNull(urls);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    exchange.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
    exchange.getResponseHeaders().set("x-ms-version", "2025-01-05");
    long id;
    try {
      id = Long.parseLong(exchange.getRequestURI().getPath().substring(urls.path().length()));
    } catch (NumberFormatException e) {
      error(exchange, 404, "ResourceNotFound", "no such blob");
      return;
    }
    Map<String, String> query = QueryString.parse(exchange.getRequestURI().getRawQuery());
    boolean write = method.equals("PUT");
    if (!write && !method.equals("GET") && !method.equals("HEAD")) {
      error(exchange, 405, "UnsupportedHttpVerb", method + " is not supported here");
      return;
    }
    String refusal =
        urls.refusal(id, query, write ? SignedUrls.Access.WRITE : SignedUrls.Access.READ);
    if (refusal != null) {
      log.info("Refused {} of {}{}: {}", method, urls.path(), id, refusal);
      error(exchange, 403, "AuthenticationFailed", refusal);
      return;
    }
    try {
      if (write) {
        put(exchange, id, query);
      } else {
        get(exchange, id);
      }
    } catch (CiException e) {
      error(exchange, Statuses.of(e.code()), "InvalidOperation", e.getMessage());
    } catch (IllegalArgumentException e) {
      error(exchange, 400, "InvalidInput", e.getMessage());
    } catch (BlobIntegrityException e) {
      if (exchange.getResponseCode() != -1) {
        // Found while the content was being sent: the connection is cut (OpsHttpServer).
        throw e;
      }
      error(exchange, 400, "Md5Mismatch", e.getMessage());
    }
  }

  private void put(HttpExchange exchange, long id, Map<String, String> query) throws IOException {
    String comp = query.getOrDefault("comp", "");
    switch (comp) {
      case "block" -> {
        String blockId = query.get("blockid");
        if (blockId == null || !BLOCK_ID.matcher(blockId).matches()) {
          throw new IllegalArgumentException("blockid must be 1 to 128 base64 characters");
        }
        service.openForWriting(id);
        try (InputStream body = exchange.getRequestBody()) {
          service.uploads().stageBlock(id, blockId, body);
        }
        empty(exchange, 201);
      }
      case "blocklist" -> {
        List<String> blocks;
        try (InputStream body = exchange.getRequestBody()) {
          blocks = blockList(body.readNBytes(MAX_BLOCK_LIST));
        }
        service.openForWriting(id);
        created(exchange, service.uploads().commit(id, blocks));
      }
      case "" -> {
        if (!"BlockBlob".equals(exchange.getRequestHeaders().getFirst("x-ms-blob-type"))) {
          throw new IllegalArgumentException("Put Blob makes block blobs only (x-ms-blob-type)");
        }
        service.openForWriting(id);
        try (InputStream body = exchange.getRequestBody()) {
          created(exchange, service.uploads().putWhole(id, body));
        }
      }
      default ->
          throw new IllegalArgumentException(
              "only Put Blob, Put Block and Put Block List upload (comp=, block, blocklist)");
    }
  }

  private static void created(HttpExchange exchange, StoredBlob content) throws IOException {
    exchange.getResponseHeaders().set("ETag", "\"" + content.sha256() + "\"");
    exchange
        .getResponseHeaders()
        .set(
            "Last-Modified",
            DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(ZoneOffset.UTC)));
    exchange.getResponseHeaders().set("x-ms-request-server-encrypted", "false");
    empty(exchange, 201);
  }

  private void get(HttpExchange exchange, long id) throws IOException {
    StoredBlob blob = service.readable(id).orElse(null);
    if (blob == null) {
      error(exchange, 404, "BlobNotFound", "nothing finalized at " + urls.path() + id);
      return;
    }
    String range = exchange.getRequestHeaders().getFirst("x-ms-range");
    if (range == null) {
      range = exchange.getRequestHeaders().getFirst("Range");
    }
    exchange.getResponseHeaders().set("Content-Type", service.contentType());
    exchange.getResponseHeaders().set("x-ms-blob-type", "BlockBlob");
    ArtifactBytes.send(exchange, service.uploads(), blob, range, BlobRoutes::error);
  }

  /** The block ids of a Put Block List body, in order (Latest, Committed and Uncommitted alike). */
  static List<String> blockList(byte[] xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setExpandEntityReferences(false);
      javax.xml.parsers.DocumentBuilder builder = f.newDocumentBuilder();
      // The default handler prints to standard error; the exception says it all.
      builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
      Element root = builder.parse(new java.io.ByteArrayInputStream(xml)).getDocumentElement();
      if (!root.getTagName().equals("BlockList")) {
        throw new IllegalArgumentException("the body is not a BlockList");
      }
      List<String> ids = new ArrayList<>();
      NodeList children = root.getChildNodes();
      for (int i = 0; i < children.getLength(); i++) {
        Node n = children.item(i);
        if (n.getNodeType() != Node.ELEMENT_NODE) {
          continue;
        }
        String tag = ((Element) n).getTagName();
        if (!tag.equals("Latest") && !tag.equals("Committed") && !tag.equals("Uncommitted")) {
          throw new IllegalArgumentException("unexpected element " + tag + " in BlockList");
        }
        ids.add(n.getTextContent().strip());
      }
      return ids;
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw new IllegalArgumentException("the block list is not XML: " + e.getMessage());
    }
  }

  private static void empty(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>"
                + code
                + "</Code><Message>"
                + xmlEscape(message)
                + "</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("x-ms-error-code", code);
    exchange.getResponseHeaders().set("Content-Type", "application/xml");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String xmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
