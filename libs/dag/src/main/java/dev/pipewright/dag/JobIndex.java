package dev.pipewright.dag;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The immutable job list of a {@link Plan}, carrying the lookups the plan's queries need. A record
 * cannot hold derived fields, so they travel inside its list component; equality stays that of a
 * plain list.
 */
final class JobIndex extends AbstractList<PlannedJob> implements RandomAccess {
  private final PlannedJob[] jobs;
  private final Map<String, PlannedJob> byId;
  private final List<String> roots;

  /** Built on first use: planning alone never needs it, and it costs a list per job. */
  private volatile Map<String, List<String>> dependents;

  private JobIndex(List<PlannedJob> source) {
    jobs = source.toArray(PlannedJob[]::new);
    byId = HashMap.newHashMap(jobs.length);
    for (PlannedJob job : jobs) {
      if (byId.putIfAbsent(job.id(), job) != null) {
        throw new IllegalArgumentException("duplicate job id '" + job.id() + "'");
      }
    }
    List<String> noNeeds = new ArrayList<>();
    for (PlannedJob job : jobs) {
      if (job.needs().isEmpty()) {
        noNeeds.add(job.id());
      }
      for (String need : job.needs()) {
        if (!byId.containsKey(need)) {
          throw new IllegalArgumentException(
              "job '" + job.id() + "' needs unknown job '" + need + "'");
        }
      }
    }
    roots = List.copyOf(noNeeds);
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

  /** Jobs that list {@code id} in their needs, in source order. */
  List<String> dependents(String id) {
    Map<String, List<String>> map = dependents;
    if (map == null) {
      // Racing threads compute equal maps; either may win.
      map = new HashMap<>();
      for (PlannedJob job : jobs) {
        for (String need : job.needs()) {
          map.computeIfAbsent(need, k -> new ArrayList<>()).add(job.id());
        }
      }
      dependents = map;
    }
    return map.getOrDefault(id, List.of());
  }

  List<String> roots() {
    return roots;
  }
}
