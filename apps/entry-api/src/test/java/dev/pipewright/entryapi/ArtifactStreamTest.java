package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.api.ci.v1.Artifact;
import dev.pipewright.api.ci.v1.GetArtifactResponse;
import dev.pipewright.blobs.BlobIntegrityException;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * GetArtifact's flow control, on the executor's thread: nothing is read while the client's window
 * is full, reading resumes from the ready callback, and a cancelled stream closes its content.
 */
class ArtifactStreamTest {
  private static final Executor NOW = Runnable::run;
  private static final Artifact META = Artifact.newBuilder().setName("bundle").build();

  /** Counts what was read from the content, and whether it was closed. */
  private static final class Watched extends FilterInputStream {
    long read;
    boolean closed;

    Watched(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      read += Math.max(n, 0);
      return n;
    }

    @Override
    public void close() throws IOException {
      closed = true;
      super.close();
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(7).nextBytes(b);
    return b;
  }

  @Test
  void aClientThatFallsBehindGetsOneChunkPerReadyAndTheWholeContentInOrder() throws Exception {
    byte[] content = random(ArtifactStream.CHUNK * 2 + 1000);
    Watched in = new Watched(new ByteArrayInputStream(content));
    SlowClient<GetArtifactResponse> client = new SlowClient<>();

    new ArtifactStream(META, in, client, NOW).start();
    // The metadata filled the window: not a byte read yet.
    assertThat(client.sent).hasSize(1);
    assertThat(client.sent.get(0).getArtifact()).isEqualTo(META);
    assertThat(in.read).isZero();

    client.becomeReady();
    assertThat(client.sent).hasSize(2);
    assertThat(in.read).isEqualTo(ArtifactStream.CHUNK);

    while (!client.completed) {
      client.becomeReady();
    }
    assertThat(client.failed).isNull();
    java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
    client.sent.stream().skip(1).forEach(r -> received.writeBytes(r.getData().toByteArray()));
    assertThat(received.toByteArray()).isEqualTo(content);
    assertThat(client.sent).hasSize(1 + 3);
    assertThat(in.closed).isTrue();
  }

  @Test
  void aCancelledStreamStopsAndClosesItsContentEvenWhileWaitingForReady() {
    Watched in = new Watched(new ByteArrayInputStream(random(ArtifactStream.CHUNK * 4)));
    SlowClient<GetArtifactResponse> client = new SlowClient<>();
    new ArtifactStream(META, in, client, NOW).start();
    client.becomeReady();
    assertThat(in.closed).isFalse();

    client.cancel();
    assertThat(in.closed).isTrue();
    assertThat(in.read).isEqualTo(ArtifactStream.CHUNK);
    assertThat(client.completed).isFalse();
  }

  @Test
  void damagedContentEndsTheStreamWithDataLoss() {
    InputStream damaged =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new BlobIntegrityException("blob abc is damaged");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            throw new BlobIntegrityException("blob abc is damaged");
          }
        };
    SlowClient<GetArtifactResponse> client = new SlowClient<>();
    new ArtifactStream(META, damaged, client, NOW).start();
    client.becomeReady();
    assertThat(Status.fromThrowable(client.failed).getCode()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(client.completed).isFalse();
  }
}
