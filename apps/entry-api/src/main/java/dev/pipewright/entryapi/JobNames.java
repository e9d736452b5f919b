package dev.pipewright.entryapi;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.JobView;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * The one rule for naming a job of a build in a request: its instance key ({@code test.2}), its
 * workflow job id ({@code test}) or its display name ({@code test (ubuntu, 21)}, what the CLI's
 * live view shows), exactly, else ignoring case. A name more than one job answers to is refused
 * with them listed; an unknown one is NOT_FOUND with the build's jobs listed.
 */
final class JobNames {
  /** What a job answers to. */
  record Job(String key, String jobId, String name) {
    static Job of(JobView view) {
      return new Job(view.key(), view.jobId(), view.name());
    }
  }

  private JobNames() {}

  /**
   * The key of the job {@code name} names among {@code jobs}. A build not planned yet has no jobs
   * to match: {@code name} is taken as the key then, and a stream waits for it.
   *
   * @throws BadRequestException when several jobs answer to {@code name}
   * @throws CiException NOT_FOUND when none does
   */
  static String key(List<Job> jobs, String name) {
    if (jobs.isEmpty()) {
      return name;
    }
    for (Job job : jobs) {
      if (job.key().equals(name)) {
        return job.key();
      }
    }
    for (BiPredicate<String, String> same :
        List.<BiPredicate<String, String>>of(String::equals, String::equalsIgnoreCase)) {
      List<Job> matches =
          jobs.stream()
              .filter(
                  j ->
                      same.test(j.name(), name)
                          || same.test(j.jobId(), name)
                          || same.test(j.key(), name))
              .toList();
      if (matches.size() == 1) {
        return matches.getFirst().key();
      }
      if (matches.size() > 1) {
        throw new BadRequestException(
            "job_key",
            "'"
                + name
                + "' names "
                + matches.size()
                + " jobs, choose one: "
                + matches.stream().map(JobNames::shown).collect(Collectors.joining(", ")));
      }
    }
    throw new CiException(
        ErrorCode.NOT_FOUND,
        "no job '"
            + name
            + "' in this build; its jobs: "
            + jobs.stream().map(JobNames::shown).collect(Collectors.joining(", ")));
  }

  /** The display name, with the key when it differs (the key is unique, the name may not be). */
  private static String shown(Job job) {
    return job.name().equals(job.key()) ? job.key() : job.name() + " [" + job.key() + "]";
  }
}
