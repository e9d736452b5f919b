package dev.pipewright.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonStringsTest {
  /**
   * Each character and its escape, as Newtonsoft.Json writes it by default (GitHub's {@code
   * toJSON}): JamesNK/Newtonsoft.Json, Src/Newtonsoft.Json/Utilities/JavaScriptUtils.cs,
   * WriteEscapedJavaScriptString (short escapes, U+0085/U+2028/U+2029, other control characters
   * through StringUtils.ToCharAsUnicode, lower-case hex from MathUtils.IntToHex).
   */
  @ParameterizedTest(name = "U+{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0022 | \\"
          005c | \\\\
          0008 | \\b
          000c | \\f
          000a | \\n
          000d | \\r
          0009 | \\t
          0000 | \\u0000
          0001 | \\u0001
          000b | \\u000b
          001b | \\u001b
          001f | \\u001f
          0085 | \\u0085
          2028 | \\u2028
          2029 | \\u2029
          0020 | ' '
          002f | /
          007f | \u007f
          00e9 | é
          """)
  void escapesEachCharacterAsNewtonsoftDoes(String hex, String escaped) {
    String c = Character.toString(Integer.parseInt(hex, 16));

    assertThat(JsonStrings.quote(c)).isEqualTo("\"" + escaped + "\"");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain",
        "a \"quoted\" C:\\path",
        "line\nbreak\ttab\u0007bell",
        "\u2028\u00e9😀"
      })
  void aStandardParserReadsBackTheSameString(String value) throws Exception {
    String quoted = JsonStrings.quote(value);

    assertThat(new ObjectMapper().readValue(quoted, String.class)).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "ab\ncd"})
  void appendsToWhatIsThere(String value) {
    StringBuilder out = new StringBuilder("[");

    JsonStrings.quote(out, value);

    assertThat(out).hasToString("[" + JsonStrings.quote(value));
  }
}
