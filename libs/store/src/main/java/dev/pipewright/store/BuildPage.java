package dev.pipewright.store;

import java.util.List;

/** One page of a listing; {@code nextPageToken} is empty on the last page. */
public record BuildPage(List<BuildView> builds, String nextPageToken) {
  public boolean hasMore() {
    return !nextPageToken.isEmpty();
  }
}
