package dev.pipewright.entryapi;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.IdPrefix;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one rule for naming a build in a request: its whole id, or a start of it that only one build
 * has (as git takes a commit's abbreviation; the CLI prints 8 characters). Every route that takes a
 * build id, gRPC and HTTP, resolves it here.
 */
final class BuildLookup {
  /** How many candidates an ambiguous prefix lists. */
  static final int CANDIDATES = 10;

  private final BuildRepository builds;

  BuildLookup(BuildRepository builds) {
    this.builds = builds;
  }

  /**
   * The id {@code reference} names. A whole id is returned as is (whether it exists is the caller's
   * next read); a prefix must start exactly one build's id.
   *
   * @throws BadRequestException when it is neither, or when several builds start with it (listed)
   * @throws CiException NOT_FOUND when no build starts with it
   */
  UUID id(String reference) {
    if (reference.isBlank()) {
      throw new BadRequestException("build_id", "required");
    }
    try {
      return UUID.fromString(reference.strip());
    } catch (IllegalArgumentException notWhole) {
      // A prefix, or nothing we can read: below.
    }
    IdPrefix prefix =
        IdPrefix.parse(reference)
            .orElseThrow(
                () ->
                    new BadRequestException(
                        "build_id",
                        "not a build id or the start of one (at least "
                            + IdPrefix.MIN_LENGTH
                            + " hex digits): "
                            + reference));
    List<UUID> ids = builds.idsStartingWith(prefix, CANDIDATES + 1);
    return unique(reference, ids);
  }

  /** The build {@code reference} names, with its jobs. */
  BuildView build(String reference) {
    return find(id(reference));
  }

  BuildView find(UUID id) {
    return builds
        .find(id)
        .orElseThrow(() -> new CiException(ErrorCode.NOT_FOUND, "no build " + id));
  }

  /**
   * The key of the job of {@code build} that {@code name} names (see {@link JobNames}); null for
   * none asked.
   */
  static String jobKey(BuildView build, String name) {
    if (name == null || name.isEmpty()) {
      return null;
    }
    return JobNames.key(build.jobs().stream().map(JobNames.Job::of).toList(), name);
  }

  static UUID unique(String reference, List<UUID> ids) {
    if (ids.isEmpty()) {
      throw new CiException(ErrorCode.NOT_FOUND, "no build id starts with " + reference);
    }
    if (ids.size() > 1) {
      String listed =
          ids.stream().limit(CANDIDATES).map(UUID::toString).collect(Collectors.joining(", "));
      throw new BadRequestException(
          "build_id",
          reference
              + " is ambiguous: "
              + (ids.size() > CANDIDATES ? "more than " + CANDIDATES : ids.size())
              + " builds start with it: "
              + listed
              + (ids.size() > CANDIDATES ? ", …" : ""));
    }
    return ids.getFirst();
  }
}
