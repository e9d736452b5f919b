package dev.pipewright.blobs;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A part of an upload in progress ({@link BlobStore#stage}): its name in the store, which belongs
 * to the one block that staged it, and its size.
 */
public record StagedPart(String name, long size) {
  private static final Pattern NAME = Pattern.compile("[0-9a-f]{32}");

  public StagedPart {
    checkName(name);
    if (size < 0) {
      throw new IllegalArgumentException("negative size: " + size);
    }
  }

  /**
   * @throws IllegalArgumentException unless {@code name} is 32 lower-case hex digits (so it can
   *     never name a path outside the store)
   */
  public static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a staged part (32 lower-case hex): " + name);
    }
    return name;
  }
}
