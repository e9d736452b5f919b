package dev.pipewright.kubernetes.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.LogChunk;
import dev.pipewright.executor.LogLimits;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.SecretMasker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepLogStreamTest {
  private static final JobRef JOB = new JobRef("b1", "test");

  /** Keeps what it is given, with a step cap of 60 bytes. */
  private static final class Capped implements LogSink {
    final List<LogChunk> chunks = new ArrayList<>();

    @Override
    public void append(LogChunk chunk) {
      chunks.add(chunk);
    }

    @Override
    public LogLimits limits() {
      return new LogLimits(60, LogLimits.DEFAULT.buildBytes());
    }
  }

  /** A container's log as the API returns it: a timestamp, a space, the line; 300 ms apart. */
  private static String containerLog(int lines) {
    StringBuilder log = new StringBuilder();
    for (int i = 1; i <= lines; i++) {
      log.append(Instant.EPOCH.plusMillis(300L * i)).append(" line ").append(i).append('\n');
    }
    return log.toString();
  }

  @Test
  void theCapCutsAtTheSamePlaceWhenALogIsReadAgainFromItsStart() {
    String log = containerLog(20);
    Capped first = new Capped();
    new StepLogStream(first, JOB, 1, 0, new SecretMasker()).update(log, true);
    // A successor worker that found seq 3 stored re-reads the whole log.
    Capped successor = new Capped();
    new StepLogStream(successor, JOB, 1, 3, new SecretMasker()).update(log, true);

    String text = first.chunks.stream().map(LogChunk::content).reduce("", String::concat);
    assertThat(text)
        .isEqualTo(
            """
            line 1
            line 2
            line 3
            line 4
            line 5
            line 6
            line 7
            line 8
            ##[warning]This step's log reached its limit of 60 bytes: the step goes on running,\
             its further output is not stored.
            ##[warning]12 lines (95 bytes) of this step's output were not stored.
            """);
    assertThat(successor.chunks).isEqualTo(first.chunks.subList(3, first.chunks.size()));
  }
}
