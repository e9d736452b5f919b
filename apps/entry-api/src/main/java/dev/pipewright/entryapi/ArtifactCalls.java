package dev.pipewright.entryapi;

import dev.pipewright.api.ci.v1.Artifact;
import dev.pipewright.api.ci.v1.GetArtifactRequest;
import dev.pipewright.api.ci.v1.GetArtifactResponse;
import dev.pipewright.blobs.BlobNotFoundException;
import dev.pipewright.entryapi.artifacts.ArtifactAccess;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.ArtifactRow;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The artifact calls of ci.v1.PipelineService (ListArtifacts, GetArtifact, GetBuild's artifacts)
 * over {@link ArtifactAccess}, which exists only when the entry API runs the artifact service.
 * Callers have checked that the build exists.
 */
final class ArtifactCalls {
  private static final Logger log = LoggerFactory.getLogger(ArtifactCalls.class);
  private final Optional<ArtifactAccess> access;
  private final Executor streams;

  /**
   * @param streams runs the reads of GetArtifact streams
   */
  ArtifactCalls(Optional<ArtifactAccess> access, Executor streams) {
    this.access = access;
    this.streams = streams;
  }

  /** The build's artifacts; empty when the service is off (none can have been uploaded). */
  List<Artifact> of(UUID build) {
    return access.map(a -> a.list(build).stream().map(Protos::artifact).toList()).orElse(List.of());
  }

  /**
   * @throws CiException CONFLICT when the artifact service is off
   */
  List<Artifact> list(UUID build) {
    return on().list(build).stream().map(Protos::artifact).toList();
  }

  /**
   * Starts streaming the artifact; a missing or unreadable one fails before anything is sent, and
   * one whose content the blob store lost with DATA_LOSS saying so.
   *
   * @throws CiException NOT_FOUND, or CONFLICT when it is not readable or the service is off
   */
  void get(
      UUID build, GetArtifactRequest request, ServerCallStreamObserver<GetArtifactResponse> out) {
    if (request.getName().isEmpty()) {
      throw new BadRequestException("name", "required");
    }
    ArtifactAccess artifacts = on();
    ArtifactRow row = artifacts.find(build, request.getName());
    InputStream content;
    try {
      content = artifacts.open(row);
    } catch (BlobNotFoundException e) {
      String lost = ArtifactAccess.missingContent(row.blobSha256().orElseThrow());
      log.error("GetArtifact {} of build {}: {}", row.name(), build, lost);
      throw Status.DATA_LOSS.withDescription(lost).asRuntimeException();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    new ArtifactStream(Protos.artifact(row), content, out, streams).start();
  }

  private ArtifactAccess on() {
    return access.orElseThrow(
        () ->
            new CiException(
                ErrorCode.CONFLICT,
                "the artifact service is off: the entry API has no secret key"
                    + " (PIPEWRIGHT_SECRET_KEY_FILE)"));
  }
}
