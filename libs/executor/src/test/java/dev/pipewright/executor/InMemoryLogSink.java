package dev.pipewright.executor;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Collectors;

/**
 * A {@link LogSink} in memory with the store's semantics (first write of a seq wins), for the
 * runners' tests (this module's test-jar).
 */
public final class InMemoryLogSink implements LogSink {
  private record StreamKey(String buildId, String jobKey, int stepNumber) {}

  private final Map<StreamKey, NavigableMap<Long, LogChunk>> streams = new ConcurrentHashMap<>();

  @Override
  public void append(LogChunk chunk) {
    streams
        .computeIfAbsent(
            new StreamKey(chunk.buildId(), chunk.jobKey(), chunk.stepNumber()),
            k -> new ConcurrentSkipListMap<>())
        .putIfAbsent(chunk.seq(), chunk);
  }

  /** The chunks of one step, by seq. */
  public List<LogChunk> chunks(JobRef job, int stepNumber) {
    NavigableMap<Long, LogChunk> stream =
        streams.get(new StreamKey(job.buildId(), job.jobKey(), stepNumber));
    return stream == null ? List.of() : List.copyOf(stream.values());
  }

  /** The text of one step's log, chunks concatenated in seq order. */
  public String text(JobRef job, int stepNumber) {
    return chunks(job, stepNumber).stream().map(LogChunk::content).collect(Collectors.joining());
  }

  /** Every line of every step of the job, step by step. */
  public String jobText(JobRef job) {
    return streams.entrySet().stream()
        .filter(e -> e.getKey().buildId().equals(job.buildId()))
        .filter(e -> e.getKey().jobKey().equals(job.jobKey()))
        .sorted(Map.Entry.comparingByKey((a, b) -> Integer.compare(a.stepNumber(), b.stepNumber())))
        .flatMap(e -> e.getValue().values().stream())
        .map(LogChunk::content)
        .collect(Collectors.joining());
  }
}
