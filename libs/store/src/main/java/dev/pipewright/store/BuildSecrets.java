package dev.pipewright.store;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.secrets.SecretBox;
import dev.pipewright.secrets.SecretException;
import dev.pipewright.secrets.SecretKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.JSONB;

/**
 * How a build's secret values are stored: never in clear. On admission each one is sealed for its
 * build id and name ({@link SecretBox}) into {@code builds.secrets}, and {@code builds.variables}
 * keeps only its name, flagged secret; the statement that finishes the build erases {@code
 * builds.secrets}. Without a key, a build with secrets is refused.
 */
final class BuildSecrets {
  private final Optional<SecretBox> box;

  BuildSecrets(Optional<SecretBox> box) {
    this.box = box;
  }

  /** The two columns as stored: the variables without secret values, the sealed values or null. */
  record Stored(JSONB variables, JSONB secrets) {}

  /**
   * @throws CiException CONFLICT when the build has secrets and no key is configured
   */
  Stored seal(UUID buildId, Map<String, Variable> variables) {
    Map<String, Object> shown = new LinkedHashMap<>();
    Map<String, String> sealed = new LinkedHashMap<>();
    List<String> secretNames =
        variables.entrySet().stream()
            .filter(e -> e.getValue().secret())
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    if (!secretNames.isEmpty() && box.isEmpty()) {
      throw new CiException(
          ErrorCode.CONFLICT,
          "the build has secret variables "
              + secretNames
              + " but no secret key is configured, and secret values are never stored in clear: "
              + SecretKeys.HOW_TO_CREATE);
    }
    variables.forEach(
        (name, v) -> {
          if (v.secret()) {
            shown.put(name, Map.of("secret", true));
            sealed.put(name, box.orElseThrow().seal(buildId.toString(), name, v.value()));
          } else {
            shown.put(name, v);
          }
        });
    return new Stored(Json.write(shown), sealed.isEmpty() ? null : Json.write(sealed));
  }

  /**
   * The build's secret values in clear, by name; none once the build has finished (they are erased
   * then).
   *
   * @throws SecretException when a value cannot be opened: no key configured, its key is not
   *     loaded, it was altered, or it is missing (erased, or stored in clear by a version before
   *     sealing and erased by the migration)
   */
  Map<String, String> open(BuildView build) {
    Map<String, String> values = new LinkedHashMap<>();
    if (build.status().terminal()) {
      return values;
    }
    for (Map.Entry<String, Variable> v : build.variables().entrySet()) {
      if (!v.getValue().secret()) {
        continue;
      }
      String name = v.getKey();
      String sealed = build.sealedSecrets().get(name);
      if (sealed == null) {
        throw new SecretException(
            "secret "
                + name
                + " of build "
                + build.id()
                + " has no stored value (a version before sealing kept it in clear and the"
                + " upgrade erased it): start the build again");
      }
      if (box.isEmpty()) {
        throw new SecretException(
            "build "
                + build.id()
                + " has secret variables but this worker has no secret key: set"
                + " PIPEWRIGHT_SECRET_KEY_FILE to the key file the entry API seals with");
      }
      values.put(name, box.get().open(build.id().toString(), name, sealed));
    }
    return values;
  }

  /**
   * The sealed column for a re-run of a finished build, whose values were erased when it finished:
   * the caller brings a value for each of its secret variables again, and nothing else.
   *
   * @return null when the build has no secret variables
   * @throws CiException INVALID_SPEC naming the missing or unknown names; CONFLICT without a key
   */
  JSONB sealForRerun(UUID buildId, Map<String, Variable> variables, Map<String, String> values) {
    List<String> names =
        variables.entrySet().stream()
            .filter(e -> e.getValue().secret())
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    List<String> missing = names.stream().filter(n -> !values.containsKey(n)).toList();
    List<String> unknown =
        values.keySet().stream().filter(n -> !names.contains(n)).sorted().toList();
    if (!missing.isEmpty() || !unknown.isEmpty()) {
      throw new CiException(
          ErrorCode.INVALID_SPEC,
          (missing.isEmpty()
                  ? ""
                  : "the build's secret values are erased when it finishes; give "
                      + missing
                      + " again to re-run it")
              + (missing.isEmpty() || unknown.isEmpty() ? "" : "; ")
              + (unknown.isEmpty() ? "" : "the build has no secret variables " + unknown));
    }
    if (names.isEmpty()) {
      return null;
    }
    Map<String, Variable> given = new LinkedHashMap<>();
    names.forEach(n -> given.put(n, new Variable(values.get(n), true)));
    return seal(buildId, given).secrets();
  }
}
