package dev.pipewright.entryapi;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.pipewright.api.ci.v1.Artifact;
import dev.pipewright.api.ci.v1.GetArtifactResponse;
import dev.pipewright.blobs.BlobIntegrityException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GetArtifact stream: the artifact's metadata, then its content in chunks of {@link #CHUNK}
 * bytes read from the blob store as the client takes them. When the stream is not ready (the
 * client's flow-control window is full) it stops reading and resumes from the ready callback, so a
 * download of any size holds one chunk, and a slow client slows the reads rather than filling the
 * server's memory. Runs as tasks on a shared executor: a stalled download holds no thread.
 */
final class ArtifactStream implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ArtifactStream.class);

  /** Bytes per response: well under every client's 4 MiB message limit. */
  static final int CHUNK = 256 * 1024;

  private final Artifact artifact;
  private final InputStream content;
  private final ServerCallStreamObserver<GetArtifactResponse> out;
  private final Executor executor;

  /** Stopped because the stream was not ready; the ready or cancel callback resumes it. */
  private final AtomicBoolean awaitingReady = new AtomicBoolean();

  private volatile boolean cancelled;
  private boolean metadataSent;
  private boolean closed;

  /**
   * @param content the artifact's bytes, verified as read; closed when the stream ends either way
   */
  ArtifactStream(
      Artifact artifact,
      InputStream content,
      ServerCallStreamObserver<GetArtifactResponse> out,
      Executor executor) {
    this.artifact = artifact;
    this.content = content;
    this.out = out;
    this.executor = executor;
  }

  /** Registers the callbacks (only possible during the service call) and starts sending. */
  void start() {
    out.setOnCancelHandler(
        () -> {
          cancelled = true;
          resume(); // a parked stream closes its file now, not never
        });
    out.setOnReadyHandler(this::resume);
    submit();
  }

  private void resume() {
    if (awaitingReady.compareAndSet(true, false)) {
      submit();
    }
  }

  private void submit() {
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      fail(Status.UNAVAILABLE.withDescription("server shutting down").asRuntimeException());
    }
  }

  @Override
  public synchronized void run() {
    if (closed) {
      return;
    }
    try {
      if (!metadataSent) {
        out.onNext(GetArtifactResponse.newBuilder().setArtifact(artifact).build());
        metadataSent = true;
      }
      while (!cancelled) {
        if (!out.isReady()) {
          awaitingReady.set(true);
          // Ready again between the check and the flag: the callback saw no flag, go on here.
          if (!out.isReady() || !awaitingReady.compareAndSet(true, false)) {
            return;
          }
          continue;
        }
        // A fresh array per chunk, handed to the message without a copy: nothing is kept while
        // the stream waits for its client.
        byte[] chunk = new byte[CHUNK];
        int n = content.readNBytes(chunk, 0, CHUNK);
        if (n == 0) {
          close();
          out.onCompleted();
          return;
        }
        ByteString data =
            n == CHUNK ? UnsafeByteOperations.unsafeWrap(chunk) : ByteString.copyFrom(chunk, 0, n);
        out.onNext(GetArtifactResponse.newBuilder().setData(data).build());
      }
      close();
    } catch (BlobIntegrityException e) {
      log.error("Artifact {} is damaged in the blob store: {}", artifact.getName(), e.getMessage());
      fail(Status.DATA_LOSS.withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException | RuntimeException e) {
      fail(GrpcErrors.toStatus(e));
    }
  }

  private synchronized void fail(RuntimeException status) {
    close();
    out.onError(status);
  }

  private synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      content.close();
    } catch (IOException e) {
      log.warn("Closing artifact {} failed: {}", artifact.getName(), e.toString());
    }
  }
}
