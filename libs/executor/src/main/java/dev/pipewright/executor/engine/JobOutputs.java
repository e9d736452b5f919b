package dev.pipewright.executor.engine;

import dev.pipewright.executor.SecretMasker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of a job's evaluated {@code outputs:} it hands on, as actions/runner JobExtension.cs
 * FinalizeJob decides: an empty value is not set (so an empty matrix instance does not overwrite a
 * sibling's value), and a value the job's masker would change is dropped with the warning "Skip
 * output '<name>' since it may contain secret." The masker holds the build's secrets and every
 * {@code ::add-mask::} value of the job, as the runner's HostContext.SecretMasker does.
 *
 * @param kept the outputs the job passes on, in declaration order
 * @param warnings one line per output dropped for a secret, for the job's log
 */
record JobOutputs(Map<String, String> kept, List<String> warnings) {
  JobOutputs {
    kept = Collections.unmodifiableMap(new LinkedHashMap<>(kept));
    warnings = List.copyOf(warnings);
  }

  static JobOutputs filter(Map<String, String> evaluated, SecretMasker masker) {
    Map<String, String> kept = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    evaluated.forEach(
        (name, value) -> {
          if (value == null || value.isEmpty()) {
            return;
          }
          if (masker.containsSecret(value)) {
            warnings.add("Skip output '" + name + "' since it may contain secret.");
            return;
          }
          kept.put(name, value);
        });
    return new JobOutputs(kept, warnings);
  }
}
