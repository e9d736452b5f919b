package dev.pipewright.dag;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The immutable job list of a {@link Plan}, carrying its lookup by id: a record cannot hold derived
 * fields, so the lookup travels inside its list component; equality stays that of a plain list.
 */
final class JobIndex extends AbstractList<PlannedJob> implements RandomAccess {
  private final PlannedJob[] jobs;
  private final Map<String, PlannedJob> byId;

  private JobIndex(List<PlannedJob> source) {
    jobs = source.toArray(PlannedJob[]::new);
    byId = HashMap.newHashMap(jobs.length);
    for (PlannedJob job : jobs) {
      if (byId.putIfAbsent(job.id(), job) != null) {
        throw new IllegalArgumentException("duplicate job id '" + job.id() + "'");
      }
    }
    for (PlannedJob job : jobs) {
      for (String need : job.needs()) {
        if (!byId.containsKey(need)) {
          throw new IllegalArgumentException(
              "job '" + job.id() + "' needs unknown job '" + need + "'");
        }
      }
    }
  }

  static JobIndex of(List<PlannedJob> jobs) {
    return jobs instanceof JobIndex index ? index : new JobIndex(jobs);
  }

  @Override
  public PlannedJob get(int i) {
    return jobs[i];
  }

  @Override
  public int size() {
    return jobs.length;
  }

  PlannedJob byId(String id) {
    return byId.get(id);
  }
}
