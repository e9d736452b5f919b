package dev.pipewright.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.LogLines;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputLinesTest {
  private final List<String> lines = new ArrayList<>();
  private final OutputLines out = new OutputLines((line, end) -> lines.add(line));
  private long offset;

  private void feed(byte[] bytes, int from, int length) {
    out.output(offset, bytes, from, length);
    offset += length;
  }

  private void feed(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    feed(b, 0, b.length);
  }

  @Test
  void splitsAtNewlinesAcrossChunksAndDropsCarriageReturns() {
    feed("one\r\ntw");
    feed("o\n\nthree");
    assertThat(lines).containsExactly("one", "two", "");
    out.finish();
    assertThat(lines).containsExactly("one", "two", "", "three");
  }

  @Test
  void aCharacterSplitBetweenChunksIsDecodedWhole() {
    byte[] b = "grüße ✓\n".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i++) {
      feed(b, i, 1);
    }
    assertThat(lines).containsExactly("grüße ✓");
  }

  @Test
  void aRunawayLineIsCutAtACharacterBoundaryIntoMarkedPieces() {
    StringBuilder s = new StringBuilder();
    while (s.length() < OutputLines.MAX_LINE_BYTES + 10) {
      s.append('é');
    }
    feed(s + "\n");
    assertThat(lines).hasSize(3);
    assertThat(lines.subList(1, 3))
        .allSatisfy(l -> assertThat(l).startsWith(LogLines.CONTINUATION));
    assertThat(String.join("", lines).replace(LogLines.CONTINUATION, "")).isEqualTo(s.toString());
    assertThat(lines)
        .allSatisfy(
            l ->
                assertThat(l.getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(OutputLines.MAX_LINE_BYTES));
  }

  @Test
  void eachLineComesWithTheOffsetJustAfterItInTheOutput() {
    List<Long> ends = new ArrayList<>();
    OutputLines withEnds =
        new OutputLines(
            (line, end) -> {
              lines.add(line);
              ends.add(end);
            });
    byte[] first = "one\r\ntw".getBytes(StandardCharsets.UTF_8);
    byte[] second = "o\nthree".getBytes(StandardCharsets.UTF_8);
    // A re-attached reader may start anywhere: offsets are the output's, not the reader's.
    withEnds.output(100, first, 0, first.length);
    withEnds.output(100 + first.length, second, 0, second.length);
    withEnds.finish();

    assertThat(lines).containsExactly("one", "two", "three");
    assertThat(ends).containsExactly(105L, 109L, 114L);
  }
}
