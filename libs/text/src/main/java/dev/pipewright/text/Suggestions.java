package dev.pipewright.text;

import java.util.Collection;

/**
 * "Did you mean" for a misspelt name (a workflow key, a configuration key or variable), by
 * optimal-string-alignment distance: typos and swapped letters count one edit each.
 */
public final class Suggestions {
  private Suggestions() {}

  /** The closest candidate that is plausibly a typo of {@code word}, or null. */
  public static String closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = distance(word.toLowerCase(), candidate.toLowerCase());
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    // A third of the word, one edit at least and three at most: catches typos, not other names.
    int allowed = Math.max(1, Math.min(3, word.length() / 3));
    if (best != null && bestDistance <= allowed) {
      return best;
    }
    // An abbreviation ("timeout" for "timeout-minutes") is too far by distance but obvious.
    if (word.length() >= 4) {
      for (String candidate : candidates) {
        if (candidate.startsWith(word)) {
          return candidate;
        }
      }
    }
    return null;
  }

  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          best = Math.min(best, d[i - 2][j - 2] + 1);
        }
        d[i][j] = best;
      }
    }
    return d[a.length()][b.length()];
  }
}
