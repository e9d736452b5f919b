package dev.pipewright.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Ctrl-C (SIGINT) or SIGTERM while a build this command started is running: the JVM runs its
 * shutdown hooks, and this one cancels the build before the process exits with 130. Closed once the
 * build ended, so a normal exit cancels nothing.
 */
final class CancelOnInterrupt implements AutoCloseable {
  private final Thread hook;
  private final CountDownLatch done = new CountDownLatch(1);

  CancelOnInterrupt(Runnable cancel) {
    this.hook =
        Thread.ofPlatform()
            .name("pipewright-cancel")
            .unstarted(
                () -> {
                  try {
                    cancel.run();
                  } finally {
                    done.countDown();
                  }
                });
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Once this returns, the hook is not running and never will: the caller may close what the hook
   * uses (the API channel). On Ctrl-C the build this command follows soon shows cancelled, and the
   * command then ends while the hook may still be reading the build: closing the channel under it
   * made it report a false "could not cancel … Channel shutdown invoked".
   */
  @Override
  public void close() throws InterruptedException {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM runs the hook (it may not have started it yet, so not Thread.join): let it finish
      // its job before anything is closed.
      done.await();
    }
  }
}
