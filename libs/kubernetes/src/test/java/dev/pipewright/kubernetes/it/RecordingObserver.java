package dev.pipewright.kubernetes.it;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.StepResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the callbacks as readable lines, and the results. */
final class RecordingObserver implements RunObserver {
  final List<String> events = new CopyOnWriteArrayList<>();
  final Map<String, JobResult> results = new ConcurrentHashMap<>();
  final Map<String, StepResult> steps = new ConcurrentHashMap<>();

  @Override
  public void jobStarted(JobRef job) {
    events.add(job.jobKey() + " started");
  }

  @Override
  public void stepStarted(JobRef job, int stepNumber, String name) {
    events.add(job.jobKey() + " step " + stepNumber + " started");
  }

  @Override
  public void stepFinished(JobRef job, int stepNumber, StepResult result) {
    steps.put(job.jobKey() + "/" + stepNumber, result);
    events.add(job.jobKey() + " step " + stepNumber + " " + result.status());
  }

  @Override
  public void jobFinished(JobRef job, JobResult result) {
    results.put(job.jobKey(), result);
    events.add(job.jobKey() + " " + result.status());
  }

  List<String> of(String jobKey) {
    return events.stream().filter(e -> e.startsWith(jobKey + " ")).toList();
  }
}
