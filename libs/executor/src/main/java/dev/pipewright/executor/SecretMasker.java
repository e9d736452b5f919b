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
 * Every value, whether a build secret or an {@code ::add-mask::} value, is registered with its
 * encoded forms ({@link SecretEncodings}: base64 at three alignments, JSON-, URL-, shell-escaped…)
 * so that the automaton finds them all in the same single pass.
 *
 * <p>Thread-safe: {@link #mask} reads an immutable automaton; {@link #add} (rare: secrets at start,
 * {@code ::add-mask::} later) rebuilds it.
 */
public final class SecretMasker {
  public static final String MASK = "***";

  private final Set<String> values = new LinkedHashSet<>();
  private final Set<String> patterns = new LinkedHashSet<>();
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
      if (!values.add(value)) {
        continue;
      }
      changed = true;
      register(value);
      if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        for (String line : value.split("\\r?\\n|\\r")) {
          if (!line.isBlank()) {
            register(line);
          }
        }
      }
    }
    if (changed) {
      automaton = Automaton.build(patterns);
    }
  }

  /** The values registered, in order (not their encoded forms). */
  public synchronized List<String> values() {
    return List.copyOf(values);
  }

  private void register(String value) {
    patterns.add(value);
    patterns.addAll(SecretEncodings.of(value));
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
   * Aho–Corasick compiled to a DFA over the chars that occur in some value: {@code classOf} maps a
   * char to its column (0 for every other char, which always leads back to the root), and {@code
   * next} holds every state's transition for every column, so the scan does one table read per char
   * with no failure-link loop.
   */
  private static final class Automaton {
    static final Automaton EMPTY = new Automaton(new char[0], 1, new int[0], new int[0]);

    private final char[] classOf;
    private final int columns;
    private final int[] next;
    private final int[] longest;

    private Automaton(char[] classOf, int columns, int[] next, int[] longest) {
      this.classOf = classOf;
      this.columns = columns;
      this.next = next;
      this.longest = longest;
    }

    static Automaton build(Collection<String> patterns) {
      char[] classOf = new char[Character.MAX_VALUE + 1];
      int columns = 1;
      for (String p : patterns) {
        for (int i = 0; i < p.length(); i++) {
          char c = p.charAt(i);
          if (classOf[c] == 0) {
            classOf[c] = (char) columns++;
          }
        }
      }
      // Trie with dense rows; -1 = no edge yet.
      List<int[]> rows = new ArrayList<>();
      List<Integer> depthOut = new ArrayList<>();
      rows.add(filled(columns));
      depthOut.add(0);
      for (String p : patterns) {
        int s = 0;
        for (int i = 0; i < p.length(); i++) {
          int col = classOf[p.charAt(i)];
          if (rows.get(s)[col] < 0) {
            rows.get(s)[col] = rows.size();
            rows.add(filled(columns));
            depthOut.add(0);
          }
          s = rows.get(s)[col];
        }
        depthOut.set(s, Math.max(depthOut.get(s), p.length()));
      }
      int n = rows.size();
      int[] next = new int[n * columns];
      int[] fail = new int[n];
      int[] longest = new int[n];
      for (int s = 0; s < n; s++) {
        longest[s] = depthOut.get(s);
      }
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      for (int col = 0; col < columns; col++) {
        int t = rows.get(0)[col];
        if (t > 0) {
          next[col] = t;
          fail[t] = 0;
          queue.add(t);
        } else {
          next[col] = 0;
        }
      }
      // Breadth-first: a state's fail target's row is complete before the state's own row.
      while (!queue.isEmpty()) {
        int s = queue.poll();
        longest[s] = Math.max(longest[s], longest[fail[s]]);
        for (int col = 0; col < columns; col++) {
          int t = rows.get(s)[col];
          if (t > 0) {
            next[s * columns + col] = t;
            fail[t] = next[fail[s] * columns + col];
            queue.add(t);
          } else {
            next[s * columns + col] = next[fail[s] * columns + col];
          }
        }
      }
      return new Automaton(classOf, columns, next, longest);
    }

    private static int[] filled(int columns) {
      int[] row = new int[columns];
      Arrays.fill(row, -1);
      return row;
    }

    String mask(String text) {
      Ranges ranges = null;
      int s = 0;
      int len = text.length();
      final char[] classes = classOf;
      final int[] table = next;
      final int[] longestAt = longest;
      final int cols = columns;
      for (int i = 0; i < len; i++) {
        s = table[s * cols + classes[text.charAt(i)]];
        int l = longestAt[s];
        if (l > 0) {
          if (ranges == null) {
            ranges = new Ranges();
          }
          ranges.add(i - l + 1, i + 1);
        }
      }
      return ranges == null ? text : ranges.replace(text);
    }
  }

  /**
   * The text ranges to mask, as a stack of disjoint intervals in order. Matches are reported at
   * their end, so a long one can reach back over shorter ones already found (a JSON-escaped secret
   * over its lines): it swallows every interval it touches. Each interval is pushed and popped at
   * most once, so masking stays linear in the text.
   */
  private static final class Ranges {
    private int[] starts = new int[8];
    private int[] ends = new int[8];
    private int top;

    void add(int start, int end) {
      while (top > 0 && ends[top - 1] >= start) {
        top--;
        start = Math.min(start, starts[top]);
      }
      if (top == starts.length) {
        starts = Arrays.copyOf(starts, top * 2);
        ends = Arrays.copyOf(ends, top * 2);
      }
      starts[top] = start;
      ends[top] = end;
      top++;
    }

    String replace(String text) {
      StringBuilder out = new StringBuilder(text.length());
      int copied = 0;
      for (int k = 0; k < top; k++) {
        out.append(text, copied, starts[k]).append(MASK);
        copied = ends[k];
      }
      return out.append(text, copied, text.length()).toString();
    }
  }
}
