package dev.pipewright.parser;

import java.util.Locale;
import java.util.Optional;

/**
 * How large a workflow may be: the only definition, used by the parser, so {@code pipewright lint}
 * and the entry API refuse the same files with the same diagnostics. Each limit is checked while
 * the YAML is read, before a node past it exists, and reported at the position where it was
 * crossed. GitHub's own workflow parser (actions/runner {@code WorkflowParser/ParseOptions.cs}) has
 * a 1 MiB file, a nesting depth of 50 and a million parse events; these limits are at or above
 * those where a real workflow could come near them, so whatever GitHub accepts passes here too.
 *
 * @param documentBytes the largest file, in UTF-8 bytes, as it is on disk and on the wire. 4 MiB:
 *     four times GitHub's limit, and room for generated workflows of 10,000+ jobs (1.1 MB)
 * @param depth the deepest nesting of mappings and sequences, aliases expanded. 100: twice GitHub's
 *     limit, and shallow enough that every recursive walk of the tree (SnakeYAML's composer, the
 *     readers, JSON rendering of values) stays far from a thread's stack size
 * @param nodes the most values (scalars, mappings, sequences) after expanding aliases: an alias
 *     counts everything its anchor holds again, so anchors that repeat each other ("billion
 *     laughs") stop here while any number of plain anchors pass. 250,000: a composed node costs
 *     about 280 bytes of heap, so one parse stays under about 70 MB; a 10,000-job workflow has
 *     150,000
 * @param expandedChars the most characters of scalar text after expanding aliases: a long value
 *     repeated through an alias costs its length each time it is checked or copied. 16 Mi: four
 *     times the largest file
 * @param scalarChars the longest single value, in characters (code points). 1 Mi: GitHub's whole
 *     file limit, so no value GitHub accepts is refused
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
      new WorkflowLimits(4 << 20, 100, 250_000, 16 << 20, 1 << 20, 100);

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
