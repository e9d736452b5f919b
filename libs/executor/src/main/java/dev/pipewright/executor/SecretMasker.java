package dev.pipewright.executor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces every occurrence of every registered value with {@code ***}, in one pass over the text
 * whatever the number of values (an Aho–Corasick automaton). Overlapping occurrences become one
 * {@code ***}. A multi-line value is also registered line by line, since logs arrive in lines.
 *
 * <p>Thread-safe: {@link #mask} reads an immutable automaton; {@link #add} (rare: secrets at start,
 * {@code ::add-mask::} later) rebuilds it.
 */
public final class SecretMasker {
  public static final String MASK = "***";

  private final Set<String> values = new LinkedHashSet<>();
  private volatile Automaton automaton = Automaton.EMPTY;

  public SecretMasker() {}

  public SecretMasker(Collection<String> initial) {
    addAll(initial);
  }

  /** Registers a value; blank values are ignored (masking them would destroy every line). */
  public void add(String value) {
    addAll(List.of(value == null ? "" : value));
  }

  public synchronized void addAll(Collection<String> newValues) {
    boolean changed = false;
    for (String value : newValues) {
      if (value == null || value.isBlank()) {
        continue;
      }
      changed |= values.add(value);
      if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        for (String line : value.split("\\r?\\n|\\r")) {
          if (!line.isBlank()) {
            changed |= values.add(line);
          }
        }
      }
    }
    if (changed) {
      automaton = Automaton.build(values);
    }
  }

  public boolean isEmpty() {
    return automaton == Automaton.EMPTY;
  }

  /** The text with every registered value replaced; the same instance when nothing matched. */
  public String mask(String text) {
    Automaton a = automaton;
    if (a == Automaton.EMPTY || text == null || text.isEmpty()) {
      return text;
    }
    return a.mask(text);
  }

  /** Whether the text contains a registered value. */
  public boolean containsSecret(String text) {
    String masked = mask(text);
    return masked != text;
  }

  /**
   * Goto/fail automaton over UTF-16 chars. The root's transitions are a dense table because the
   * scan sits at the root for almost every char of a typical line; deeper states keep sorted
   * arrays.
   */
  private static final class Automaton {
    static final Automaton EMPTY =
        new Automaton(new int[0], new char[0][], new int[0][], null, null);

    private final int[] rootNext;
    private final char[][] keys;
    private final int[][] targets;
    private final int[] fail;
    private final int[] longest;

    private Automaton(int[] rootNext, char[][] keys, int[][] targets, int[] fail, int[] longest) {
      this.rootNext = rootNext;
      this.keys = keys;
      this.targets = targets;
      this.fail = fail;
      this.longest = longest;
    }

    static Automaton build(Collection<String> patterns) {
      List<StringBuilder> edgeKeys = new ArrayList<>();
      List<List<Integer>> edgeTargets = new ArrayList<>();
      List<Integer> depthOut = new ArrayList<>();
      edgeKeys.add(new StringBuilder());
      edgeTargets.add(new ArrayList<>());
      depthOut.add(0);
      for (String p : patterns) {
        int s = 0;
        for (int i = 0; i < p.length(); i++) {
          char c = p.charAt(i);
          int idx = edgeKeys.get(s).indexOf(String.valueOf(c));
          if (idx >= 0) {
            s = edgeTargets.get(s).get(idx);
          } else {
            int n = edgeKeys.size();
            edgeKeys.add(new StringBuilder());
            edgeTargets.add(new ArrayList<>());
            depthOut.add(0);
            edgeKeys.get(s).append(c);
            edgeTargets.get(s).add(n);
            s = n;
          }
        }
        depthOut.set(s, Math.max(depthOut.get(s), p.length()));
      }
      int n = edgeKeys.size();
      char[][] keys = new char[n][];
      int[][] targets = new int[n][];
      for (int s = 0; s < n; s++) {
        char[] k = edgeKeys.get(s).toString().toCharArray();
        Integer[] order = new Integer[k.length];
        for (int i = 0; i < k.length; i++) {
          order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Character.compare(k[x], k[y]));
        keys[s] = new char[k.length];
        targets[s] = new int[k.length];
        for (int i = 0; i < k.length; i++) {
          keys[s][i] = k[order[i]];
          targets[s][i] = edgeTargets.get(s).get(order[i]);
        }
      }
      int[] rootNext = new int[Character.MAX_VALUE + 1];
      for (int i = 0; i < keys[0].length; i++) {
        rootNext[keys[0][i]] = targets[0][i];
      }
      int[] fail = new int[n];
      int[] longest = new int[n];
      for (int s = 0; s < n; s++) {
        longest[s] = depthOut.get(s);
      }
      // Breadth-first so that a state's fail target is final before its children need it.
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      for (int t : targets[0]) {
        fail[t] = 0;
        queue.add(t);
      }
      Automaton partial = new Automaton(rootNext, keys, targets, fail, longest);
      while (!queue.isEmpty()) {
        int s = queue.poll();
        for (int i = 0; i < keys[s].length; i++) {
          char c = keys[s][i];
          int t = targets[s][i];
          int f = fail[s];
          int next;
          while ((next = partial.step(f, c)) < 0) {
            f = fail[f];
          }
          fail[t] = next;
          longest[t] = Math.max(longest[t], longest[next]);
          queue.add(t);
        }
      }
      return partial;
    }

    /** The transition from s on c; from the root it always exists (0 = stay). -1 otherwise. */
    private int step(int s, char c) {
      if (s == 0) {
        return rootNext[c];
      }
      char[] k = keys[s];
      int i = Arrays.binarySearch(k, c);
      return i >= 0 ? targets[s][i] : -1;
    }

    String mask(String text) {
      StringBuilder out = null;
      int copied = 0;
      int pendingStart = -1;
      int pendingEnd = -1;
      int s = 0;
      int len = text.length();
      for (int i = 0; i < len; i++) {
        char c = text.charAt(i);
        int next;
        while ((next = step(s, c)) < 0) {
          s = fail[s];
        }
        s = next;
        int l = longest[s];
        if (l > 0) {
          // A match reaching back into text already emitted is masked from there on.
          int start = Math.max(i - l + 1, copied);
          if (pendingStart >= 0 && start <= pendingEnd) {
            pendingStart = Math.min(pendingStart, start);
            pendingEnd = i + 1;
          } else {
            if (pendingStart >= 0) {
              if (out == null) {
                out = new StringBuilder(len);
              }
              out.append(text, copied, pendingStart).append(MASK);
              copied = pendingEnd;
            }
            pendingStart = start;
            pendingEnd = i + 1;
          }
        }
      }
      if (pendingStart < 0) {
        return text;
      }
      if (out == null) {
        out = new StringBuilder(len);
      }
      out.append(text, copied, pendingStart).append(MASK).append(text, pendingEnd, len);
      return out.toString();
    }
  }
}
