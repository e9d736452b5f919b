package dev.pipewright.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This JVM's resident memory and heap, sampled every 100 ms: the highest of each since the last
 * {@link #take}.
 */
final class MemoryPeaks implements AutoCloseable {
  record Peak(long resident, long heap) {}

  final long before = StepFloodBench.residentBytes("VmRSS");
  private final AtomicLong resident = new AtomicLong();
  private final AtomicLong heap = new AtomicLong();
  private final MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

  MemoryPeaks() {
    sampler.scheduleAtFixedRate(
        () -> {
          resident.accumulateAndGet(StepFloodBench.residentBytes("VmRSS"), Math::max);
          heap.accumulateAndGet(bean.getHeapMemoryUsage().getUsed(), Math::max);
        },
        0,
        100,
        TimeUnit.MILLISECONDS);
  }

  Peak take() {
    return new Peak(resident.getAndSet(0), heap.getAndSet(0));
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
