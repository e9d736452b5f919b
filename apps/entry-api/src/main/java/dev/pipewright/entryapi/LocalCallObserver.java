package dev.pipewright.entryapi;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * A server stream's observer that stands in for the gRPC transport when something in this process
 * (the console's event streams, a test) reads a streaming call directly: it keeps the ready and
 * cancel handlers the service registers, for the reader to run, and ignores what only a transport
 * does (compression, inbound flow control). The reader says when it is ready and whether it left.
 */
abstract class LocalCallObserver<T> extends ServerCallStreamObserver<T> {
  private volatile Runnable onReady = () -> {};
  private volatile Runnable onCancel = () -> {};

  /** Resumes the service once {@link #isReady()} is true again. */
  protected final void runOnReady() {
    onReady.run();
  }

  /** Tells the service the reader is gone. */
  protected final void runOnCancel() {
    onCancel.run();
  }

  @Override
  public final void setOnReadyHandler(Runnable handler) {
    onReady = handler;
  }

  @Override
  public final void setOnCancelHandler(Runnable handler) {
    onCancel = handler;
  }

  @Override
  public void setCompression(String compression) {}

  @Override
  public void disableAutoInboundFlowControl() {}

  @Override
  public void request(int count) {}

  @Override
  public void setMessageCompression(boolean enable) {}
}
