package dev.pipewright.entryapi;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client of a server stream whose flow-control window fills after every response: the server must
 * wait for {@link #becomeReady()} before it sends the next.
 */
final class SlowClient<T> extends ServerCallStreamObserver<T> {
  final List<T> sent = new CopyOnWriteArrayList<>();
  volatile boolean completed;
  volatile Throwable failed;
  private volatile boolean ready = true;
  private volatile Runnable onReady;
  private volatile Runnable onCancel;

  void becomeReady() {
    ready = true;
    onReady.run();
  }

  void cancel() {
    onCancel.run();
  }

  @Override
  public boolean isReady() {
    return ready;
  }

  @Override
  public void setOnReadyHandler(Runnable handler) {
    onReady = handler;
  }

  @Override
  public void onNext(T value) {
    sent.add(value);
    ready = false;
  }

  @Override
  public void onError(Throwable t) {
    failed = t;
  }

  @Override
  public void onCompleted() {
    completed = true;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setOnCancelHandler(Runnable handler) {
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
