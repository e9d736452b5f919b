package dev.pipewright.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.executor.program.WorkflowCommands;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The encoded forms masked beside the value, after actions/runner's value encoders ({@code
 * src/Sdk/DTLogging/Logging/ValueEncoders.cs}: Base64StringEscape + Shift1/Shift2,
 * ExpressionStringEscape, JsonStringEscape, UriDataEscape, XmlDataEscape, TrimDoubleQuotes) and the
 * base64 trimming of actions/runner {@code docs/adrs/0297-base64-masking-trailing-characters.md};
 * shell forms as bash {@code printf %q}, POSIX single quotes and Python {@code shlex.quote} print
 * them.
 */
class SecretEncodingsTest {
  private static final String SECRET = "Hunter2-s3cr3t/+=?&\"'\\";

  static Stream<Arguments> printedForms() {
    // Expected strings are written out by hand (checked against python json.dumps,
    // urllib.parse.quote, shlex.quote and bash printf %q), not computed by the code under test.
    return Stream.of(
        Arguments.of("plain", "x=Hunter2-s3cr3t/+=?&\"'\\ end", "x=*** end"),
        Arguments.of("json", "{\"t\":\"Hunter2-s3cr3t/+=?&\\\"'\\\\\"}", "{\"t\":\"***\"}"),
        Arguments.of("url", "?t=Hunter2-s3cr3t%2F%2B%3D%3F%26%22%27%5C&u=1", "?t=***&u=1"),
        Arguments.of("bash %q", "run Hunter2-s3cr3t/+=\\?\\&\\\"\\'\\\\ now", "run *** now"),
        Arguments.of("single quotes", "run 'Hunter2-s3cr3t/+=?&\"'\\''\\' now", "run '***' now"),
        Arguments.of("shlex.quote", "run 'Hunter2-s3cr3t/+=?&\"'\"'\"'\\' now", "run '***' now"),
        Arguments.of(
            "double quotes", "run \"Hunter2-s3cr3t/+=?&\\\"'\\\\\" now", "run \"***\" now"),
        Arguments.of("xml", "<t>Hunter2-s3cr3t/+=?&amp;&quot;&apos;\\</t>", "<t>***</t>"),
        Arguments.of("expression", "'Hunter2-s3cr3t/+=?&\"''\\'", "'***'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("printedForms")
  void eachPrintedFormOfTheSecretIsMasked(String form, String line, String expected) {
    assertThat(new SecretMasker(List.of(SECRET)).mask(line)).isEqualTo(expected);
  }

  /**
   * bash's {@code printf %q} escapes a tilde where it would expand: at the start and after '=' or
   * ':', not elsewhere. {@code printf '%q' 'p=~x:~y~z'} prints {@code p=\~x:\~y~z} (bash 5.2); the
   * fault suite (tests/faults) found the form after '=' printed in clear.
   */
  @Test
  void bashQuotingOfATildeWhereItWouldExpandIsMasked() {
    SecretMasker masker = new SecretMasker(List.of("p=~x:~y~z", "~home"));
    assertThat(masker.mask("run p=\\~x:\\~y~z now")).isEqualTo("run *** now");
    assertThat(masker.mask("run \\~home now")).isEqualTo("run *** now");
  }

  /**
   * {@code base64(prefix + secret + suffix)}: with 0, 1 or 2 prefix bytes the secret starts at each
   * position inside a 3-byte group; at most the chars mixing prefix or suffix bits stay readable.
   */
  @ParameterizedTest(name = "prefix \"{0}\", suffix \"{1}\"")
  @MethodSource("base64Surroundings")
  void base64AtEveryAlignmentIsMaskedInsideSurroundingText(String prefix, String suffix) {
    String encoded = base64(prefix + SECRET + suffix);
    String masked = new SecretMasker(List.of(SECRET)).mask("Authorization: Basic " + encoded);
    // Up to the first 3-byte group boundary inside the secret, chars mix prefix and secret bits.
    int prefixChars = (prefix.length() + 2) / 3 * 4;
    assertThat(masked)
        .matches(
            "Authorization: Basic [A-Za-z0-9+/]{0,"
                + prefixChars
                + "}\\*\\*\\*[A-Za-z0-9+/]{0,4}={0,2}");
  }

  static Stream<Arguments> base64Surroundings() {
    return Stream.of("", "u", "us", "user:")
        .flatMap(p -> Stream.of("", "\n", " x").map(s -> Arguments.of(p, s)));
  }

  @Test
  void theWholeBase64OfTheSecretIsMaskedPaddingIncluded() {
    assertThat(new SecretMasker(List.of(SECRET)).mask("b64=" + base64(SECRET) + " end"))
        .isEqualTo("b64=*** end");
  }

  @Test
  void addMaskValuesGetTheEncodedFormsToo() {
    SecretMasker masker = new SecretMasker();
    new WorkflowCommands(masker, WorkflowCommands.Options.DEFAULT).process("::add-mask::" + SECRET);
    assertThat(masker.mask("{\"t\":\"Hunter2-s3cr3t/+=?&\\\"'\\\\\"}"))
        .isEqualTo("{\"t\":\"***\"}");
    assertThat(masker.mask("Basic " + base64("us" + SECRET + "\n")))
        .matches("Basic [A-Za-z0-9+/]{0,4}\\*\\*\\*[A-Za-z0-9+/]{0,4}={0,2}");
  }

  @Test
  void aMultiLineSecretPrintedJsonEscapedOnOneLineIsMaskedWhole() {
    SecretMasker masker =
        new SecretMasker(List.of("-----BEGIN KEY-----\nAbCdEf\n-----END KEY-----"));
    assertThat(masker.mask("{\"key\":\"-----BEGIN KEY-----\\nAbCdEf\\n-----END KEY-----\"}"))
        .isEqualTo("{\"key\":\"***\"}");
  }

  @Test
  void emptyAndBlankValuesAreIgnoredShortOnesMaskedWithoutBase64Fragments() {
    SecretMasker masker = new SecretMasker(List.of("", " \t", "ab"));
    assertThat(masker.mask("ab cd")).isEqualTo("*** cd");
    // base64("ab") = "YWI=": its 2 stable chars "YW" would hide unrelated text; GitHub masks any
    // non-blank value, so the value is masked but the sub-quantum base64 fragment is not.
    assertThat(masker.mask("YWI= YWxs")).isEqualTo("YWI= YWxs");
    assertThat(new SecretMasker(List.of("abc")).mask("v=YWJj")).isEqualTo("v=***");
  }

  @Test
  void overlappingSecretsAndEncodingsBecomeOneMask() {
    SecretMasker masker = new SecretMasker(List.of("token-one", "one-two"));
    assertThat(masker.mask("[token-one-two]")).isEqualTo("[***]");
    // The JSON form of one secret runs into the raw form of another.
    masker.add("a\"quoted\"b");
    assertThat(masker.mask("{a\\\"quoted\\\"btoken-one}")).isEqualTo("{***}");
    assertThat(masker.mask(base64("token-one-two"))).doesNotContain("dG9rZW4tb25l");
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
