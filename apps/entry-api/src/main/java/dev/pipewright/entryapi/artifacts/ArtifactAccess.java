package dev.pipewright.entryapi.artifacts;

import dev.pipewright.blobs.StoredBlob;
import dev.pipewright.store.ArtifactRow;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Pipewright's own read access to a build's artifacts (the gRPC API, the download route, GetBuild),
 * as opposed to the toolkit's (runtime tokens, signed URLs). Callers check that the build exists
 * and that the caller may read it; this only knows artifacts.
 */
public final class ArtifactAccess {
  private final ArtifactService service;

  ArtifactAccess(ArtifactService service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  ArtifactService service() {
    return service;
  }

  /** The build's finalized, unexpired artifacts, oldest first. */
  public List<ArtifactRow> list(UUID build) {
    return service.list(build, Optional.empty(), Optional.empty());
  }

  /**
   * The build's readable artifact {@code name}.
   *
   * @throws dev.pipewright.models.CiException NOT_FOUND when there is none of that name, CONFLICT
   *     while it is being uploaded or once it expired
   */
  public ArtifactRow find(UUID build, String name) {
    return service.readableOrExplain(build, name);
  }

  /**
   * The artifact's whole content, verified as it is read: the stream throws {@link
   * dev.pipewright.blobs.BlobIntegrityException} at its end when the stored bytes are damaged.
   *
   * @throws dev.pipewright.blobs.BlobNotFoundException when the blob store lost them ({@link
   *     #missingContent})
   */
  public InputStream open(ArtifactRow artifact) throws IOException {
    StoredBlob blob = ArtifactService.content(artifact);
    return service.uploads().content(blob, 0, blob.size());
  }

  /** What a reader of content the blob store lost is told, for every way of reading it. */
  public static String missingContent(String sha256) {
    return "the content sha256:" + sha256 + " is missing from the blob store";
  }
}
