package dev.pipewright.cli;

/**
 * Ctrl-C (SIGINT) or SIGTERM while a build this command started is running: the JVM runs its
 * shutdown hooks, and this one cancels the build before the process exits with 130. Closed once the
 * build ended, so a normal exit cancels nothing.
 */
final class CancelOnInterrupt implements AutoCloseable {
  private final Thread hook;

  CancelOnInterrupt(Runnable cancel) {
    this.hook = Thread.ofPlatform().name("pipewright-cancel").unstarted(cancel);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is already running: it does its job.
    }
  }
}
