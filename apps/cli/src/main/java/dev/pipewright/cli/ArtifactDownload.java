package dev.pipewright.cli;

import dev.pipewright.api.ci.v1.Artifact;
import dev.pipewright.api.ci.v1.GetArtifactResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Saves one GetArtifact stream under {@code DIR/<name>/}: the bytes go to a temporary file in DIR
 * while they are hashed, are checked against the size and SHA-256 the server announced, and only
 * then land. A zip (what upload-artifact@v4 stores) is extracted as download-artifact@v4 does
 * (toolkit packages/artifact/src/internal/download/download-artifact.ts pipes the blob into {@code
 * unzip.Extract}); other content is written as the file {@code <name>}. Nothing is held in memory
 * beyond one chunk.
 */
final class ArtifactDownload {
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
  private static final byte[] EMPTY_ZIP_MAGIC = {'P', 'K', 5, 6};

  /** What was saved where. */
  record Saved(Artifact artifact, Path path, int files, boolean extracted) {}

  private ArtifactDownload() {}

  static Saved save(Iterator<GetArtifactResponse> responses, Path dir) throws IOException {
    if (!responses.hasNext()) {
      throw new IOException("the server sent nothing for the artifact");
    }
    GetArtifactResponse first = responses.next();
    if (!first.hasArtifact()) {
      throw new IOException("the server sent content before the artifact's metadata");
    }
    Artifact artifact = first.getArtifact();
    Path target = dir.resolve(safeName(artifact.getName()));
    Files.createDirectories(dir);
    Path part = Files.createTempFile(dir, ".pipewright-artifact-", ".part");
    try {
      receive(responses, artifact, part);
      Files.createDirectories(target);
      if (isZip(part)) {
        return new Saved(artifact, target, extract(part, target), true);
      }
      Files.move(part, target.resolve(artifact.getName()), StandardCopyOption.REPLACE_EXISTING);
      return new Saved(artifact, target, 1, false);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** Writes the content to {@code part}, hashing it; fails unless it is what was announced. */
  private static void receive(Iterator<GetArtifactResponse> responses, Artifact artifact, Path part)
      throws IOException {
    MessageDigest sha = sha256();
    long size = 0;
    try (OutputStream out = Files.newOutputStream(part)) {
      while (responses.hasNext()) {
        GetArtifactResponse r = responses.next();
        if (!r.hasData()) {
          throw new IOException("the server sent metadata twice for " + artifact.getName());
        }
        for (var buffer : r.getData().asReadOnlyByteBufferList()) {
          sha.update(buffer.duplicate());
          size += buffer.remaining();
        }
        r.getData().writeTo(out);
      }
    }
    String hex = HexFormat.of().formatHex(sha.digest());
    if (size != artifact.getSize() || !hex.equals(artifact.getSha256())) {
      throw new IOException(
          "artifact "
              + artifact.getName()
              + " arrived as "
              + size
              + " bytes with sha256 "
              + hex
              + ", the server announced "
              + artifact.getSize()
              + " bytes with sha256 "
              + artifact.getSha256()
              + "; nothing was written");
    }
  }

  static boolean isZip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return Arrays.equals(head, ZIP_MAGIC) || Arrays.equals(head, EMPTY_ZIP_MAGIC);
    }
  }

  /** Extracts every entry under {@code target}; returns how many files. */
  private static int extract(Path zip, Path target) throws IOException {
    int files = 0;
    try (ZipFile archive = new ZipFile(zip.toFile())) {
      Enumeration<? extends ZipEntry> entries = archive.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        Path out = entryPath(target, entry.getName());
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = archive.getInputStream(entry)) {
          Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
        files++;
      }
    }
    return files;
  }

  /**
   * Where entry {@code name} goes under {@code target}.
   *
   * @throws IOException for a name that would land outside {@code target} ({@code ../x}, {@code
   *     /etc/x}): a zip slip is refused, not skipped
   */
  static Path entryPath(Path target, String name) throws IOException {
    Path root = target.toAbsolutePath().normalize();
    Path out = root.resolve(name).normalize();
    if (!out.startsWith(root) || out.equals(root)) {
      throw new IOException("the artifact's zip has an entry outside its directory: " + name);
    }
    return out;
  }

  /**
   * The artifact's name as one path segment. The server refuses such names on upload; a client does
   * not write outside its directory on a server's word.
   */
  static String safeName(String name) throws IOException {
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.indexOf('/') >= 0
        || name.indexOf('\\') >= 0
        || name.indexOf('\0') >= 0) {
      throw new IOException("refusing to save an artifact named '" + name + "'");
    }
    return name;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
