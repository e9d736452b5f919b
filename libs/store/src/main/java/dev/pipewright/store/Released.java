package dev.pipewright.store;

import java.util.ArrayList;
import java.util.List;

/**
 * What rows stopped naming when they changed or went: blobs, to release (deleted once no row of any
 * service names them), and staged parts, to discard (each belonged to its block row alone).
 */
public record Released(List<String> blobs, List<String> parts) {
  public Released {
    blobs = List.copyOf(blobs);
    parts = List.copyOf(parts);
  }

  public static Released none() {
    return new Released(List.of(), List.of());
  }

  /** The same without blob {@code sha256}: named again by the row that stopped naming it. */
  public Released withoutBlob(String sha256) {
    List<String> b = new ArrayList<>(blobs);
    b.remove(sha256);
    return new Released(b, parts);
  }
}
