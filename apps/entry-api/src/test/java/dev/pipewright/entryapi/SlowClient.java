package dev.pipewright.entryapi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client of a server stream whose flow-control window fills after every response: the server must
 * wait for {@link #becomeReady()} before it sends the next.
 */
final class SlowClient<T> extends LocalCallObserver<T> {
  final List<T> sent = new CopyOnWriteArrayList<>();
  volatile boolean completed;
  volatile Throwable failed;
  private volatile boolean ready = true;

  void becomeReady() {
    ready = true;
    runOnReady();
  }

  void cancel() {
    runOnCancel();
  }

  @Override
  public boolean isReady() {
    return ready;
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
}
