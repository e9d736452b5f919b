package dev.pipewright.parser;

import java.util.Locale;
import java.util.Optional;

/**
 * How large a workflow may be: the only definition, used by the parser, so {@code pipewright lint}
 * and the entry API refuse the same files with the same diagnostics. Each limit is checked while
 * the YAML is read, before a node past it exists, and reported at the position where it was
 * crossed. GitHub's own workflow parser (actions/runner {@code WorkflowParser/ParseOptions.cs}) has
 * the same file size and half the nesting depth, so a file GitHub accepts is not refused for
 * either. Its million parse events have no match here: the value count is set by the memory one
 * parse may take, still far above any real workflow.
 *
 * @param documentBytes the largest file, in UTF-8 bytes, as it is on disk and on the wire. 1 MiB,
 *     GitHub's limit: the entry API reads a request whole before it can refuse it, so this bounds
 *     what every request waiting to be parsed holds
 * @param depth the deepest nesting of mappings and sequences, aliases expanded. 100: twice GitHub's
 *     limit, and shallow enough that every recursive walk of the tree (SnakeYAML's composer, the
 *     readers, JSON rendering of values) stays far from a thread's stack size
 * @param nodes the most values (scalars, mappings, sequences) after expanding aliases: an alias
 *     counts everything its anchor holds again, so anchors that repeat each other ("billion
 *     laughs") stop here while any number of plain anchors pass. 150,000: parsing that many needs
 *     about 60 MB of heap (a composed node and what it keeps cost 300-400 bytes), a large real
 *     workflow has a few thousand
 * @param expandedChars the most characters of scalar text after expanding aliases: a long value
 *     repeated through an alias costs its length each time it is checked or copied. 4 Mi: four
 *     times the largest file
 * @param scalarChars the longest single value, in characters (code points). 256 Ki: real scripts
 *     are a few KB (a longer one belongs in a file of the repository), and Linux refuses to pass
 *     one environment value over 128 KiB to a process anyway
 * @param errors the most diagnostics reported for one file; the rest are counted in one last line,
 *     so a file with a million mistakes still answers with a message a client can receive
 */
public record WorkflowLimits(
    int documentBytes, int depth, int nodes, int expandedChars, int scalarChars, int errors) {

  /** What to do about a workflow too large as a whole. */
  static final String SPLIT_HINT =
      "split it into several workflows, or move jobs into reusable workflows ('uses:')";

  /** The limits every parse uses. */
  public static final WorkflowLimits DEFAULT =
      new WorkflowLimits(1 << 20, 100, 150_000, 4 << 20, 256 << 10, 100);

  public WorkflowLimits {
    if (documentBytes < 1
        || depth < 1
        || nodes < 1
        || expandedChars < 1
        || scalarChars < 1
        || errors < 1) {
      throw new IllegalArgumentException("every workflow limit must be positive");
    }
  }

  /**
   * The diagnostic for a file of {@code bytes} UTF-8 bytes, when it is over {@link
   * #documentBytes()}; a caller that knows a file's size can refuse it before reading it.
   */
  public Optional<Diagnostic> documentSize(String path, long bytes) {
    if (bytes <= documentBytes) {
      return Optional.empty();
    }
    return Optional.of(
        new Diagnostic(
            path,
            1,
            1,
            String.format(
                Locale.ROOT,
                "the workflow file is too large: %,d bytes, the limit is %,d",
                bytes,
                documentBytes),
            SPLIT_HINT));
  }
}
