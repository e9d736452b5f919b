package dev.pipewright.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogLinesTest {
  private static final int MAX = LogLines.MAX_LINE_BYTES;

  private static List<String> lines(StringBuilder out) {
    assertThat(out.toString()).endsWith("\n");
    return out.toString().lines().toList();
  }

  private static LogLines unlimited() {
    return new LogLines(new SecretMasker(), Long.MAX_VALUE, LogBudget.UNLIMITED);
  }

  /** Pieces back into the line: each after the first starts with the continuation marker. */
  private static String rejoin(List<String> pieces) {
    StringBuilder line = new StringBuilder(pieces.getFirst());
    for (String piece : pieces.subList(1, pieces.size())) {
      assertThat(piece).startsWith(LogLines.CONTINUATION);
      line.append(piece, LogLines.CONTINUATION.length(), piece.length());
    }
    return line.toString();
  }

  @Test
  void aLineOfExactlyTheLimitIsKeptWhole() {
    StringBuilder out = new StringBuilder();
    String line = "x".repeat(MAX);
    unlimited().output(line, out);
    assertThat(lines(out)).containsExactly(line);
  }

  @Test
  void aLongerLineIsSplitIntoMarkedPiecesOfAtMostTheLimit() {
    StringBuilder out = new StringBuilder();
    String line = "0123456789".repeat(250_000); // 2.4 MiB
    unlimited().output(line, out);
    List<String> pieces = lines(out);
    assertThat(pieces).hasSize(3);
    assertThat(pieces)
        .allSatisfy(
            p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MAX));
    assertThat(pieces.getFirst()).hasSize(MAX);
    assertThat(rejoin(pieces)).isEqualTo(line);
  }

  @Test
  void aSplitCountsUtf8BytesAndNeverCutsASurrogatePair() {
    StringBuilder out = new StringBuilder();
    // 4 bytes and 2 chars each: 300,000 of them are 1.2 MiB in UTF-8 but only 600,000 chars.
    String line = "a" + "\uD83D\uDE00".repeat(300_000);
    unlimited().output(line, out);
    List<String> pieces = lines(out);
    assertThat(pieces).hasSize(2);
    for (String p : pieces) {
      assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MAX);
      assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
    }
    assertThat(rejoin(pieces)).isEqualTo(line);
  }

  @Test
  void aSecretIsMaskedBeforeTheLineIsSplit() {
    StringBuilder out = new StringBuilder();
    String secret = "hunter2-hunter2";
    String line = "x".repeat(MAX - 5) + secret + "y".repeat(10);
    new LogLines(new SecretMasker(List.of(secret)), Long.MAX_VALUE, LogBudget.UNLIMITED)
        .output(line, out);
    assertThat(out.toString()).doesNotContain("hunter").contains("***");
  }

  @Test
  void theStepCapCutsWithOneMarkerCountsTheRestAndLetsTheRunnersLinesThrough() {
    LogLines lines = new LogLines(new SecretMasker(), 20, LogBudget.UNLIMITED);
    StringBuilder out = new StringBuilder();
    lines.output("0123456789", out); // 11 bytes
    lines.output("abcdefgh", out); // 9: 20 in all, fits
    lines.output("z", out); // over
    lines.output("more output", out);
    lines.runnerLine("##[error]Process completed with exit code 3.", out);
    lines.end(out);

    assertThat(lines.full()).isTrue();
    assertThat(lines(out))
        .containsExactly(
            "0123456789",
            "abcdefgh",
            "##[warning]This step's log reached its limit of 20 bytes: the step goes on running,"
                + " its further output is not stored.",
            "##[error]Process completed with exit code 3.",
            "##[warning]2 lines (14 bytes) of this step's output were not stored.");
  }

  @Test
  void theBuildCapIsSharedByTheStepsOfTheBuild() {
    LogBudget build = new LogBudget(30, 5);
    LogLines first = new LogLines(new SecretMasker(), 1000, build);
    LogLines second = new LogLines(new SecretMasker(), 1000, build);
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    first.output("0123456789", a); // 16 of 30 taken
    second.output("0123456789", b); // 27
    first.output("0123", a); // 32: over
    second.output("01", b); // 30: the last that fits
    second.output("x", b);

    assertThat(lines(a))
        .containsExactly(
            "0123456789",
            "##[warning]This build's log reached its limit of 30 bytes: the step goes on running,"
                + " its further output is not stored.");
    assertThat(lines(b)).hasSize(3).startsWith("0123456789", "01");
    assertThat(first.full()).isTrue();
    assertThat(second.full()).isTrue();
  }

  @Test
  void theSinksBudgetIsAskedForOnceAndOnlyWhenOutputNeedsIt() {
    List<String> asked = new ArrayList<>();
    LogBudget budget = new LogBudget(8, 0);
    LogSink sink =
        new LogSink() {
          @Override
          public void append(LogChunk chunk) {}

          @Override
          public LogBudget budget(String buildId) {
            asked.add(buildId);
            return budget;
          }
        };
    LogLines lines = LogLines.of(sink, new JobRef("b1", "j"), new SecretMasker());
    StringBuilder out = new StringBuilder();
    lines.runnerLine("##[error]the runner's own line", out);
    lines.end(out);
    assertThat(asked).isEmpty();

    lines.output("abc", out); // 4 of 8
    lines.output("defghij", out); // 12: over the build's cap
    assertThat(asked).containsExactly("b1");
    assertThat(lines.full()).isTrue();
    assertThat(lines(out)).hasSize(3).element(1).isEqualTo("abc");
  }

  @Test
  void anUncappedLogHasNoClosingLine() {
    LogLines lines = unlimited();
    StringBuilder out = new StringBuilder();
    lines.output("one", out);
    lines.end(out);
    assertThat(out).hasToString("one\n");
    assertThat(lines.full()).isFalse();
  }

  @Test
  void utf8LengthCountsWhatIsStored() {
    // Short lines are counted in place, longer ones by the JDK's encoder.
    assertThat(LogLines.utf8Length("aé€\uD83D\uDE00")).isEqualTo(1 + 2 + 3 + 4);
    assertThat(LogLines.utf8Length("aé€\uD83D\uDE00".repeat(10))).isEqualTo(100);
  }
}
