package dev.pipewright.executor;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The forms a secret takes when a step prints it encoded, after the value encoders of GitHub's
 * runner (actions/runner {@code src/Sdk/DTLogging/Logging/ValueEncoders.cs}, registered in {@code
 * src/Runner.Common/HostContext.cs}): base64 at the three byte alignments, expression-, JSON-,
 * URI-, XML-escaped, double quotes trimmed; plus the shell quotings a script produces with {@code
 * printf %q}, {@code shlex.quote} or double quotes.
 */
public final class SecretEncodings {
  /**
   * A base64 form shorter than one full quantum (3 bytes, 4 chars) is not registered: a 1- or
   * 2-char fragment of base64 would mask unrelated text everywhere. The value itself is masked at
   * any length, as GitHub does for any non-blank value.
   */
  static final int MIN_BASE64_BYTES = 3;

  private SecretEncodings() {}

  /** The value's encoded forms that differ from it (the value itself is not included). */
  public static Set<String> of(String value) {
    Set<String> forms = new LinkedHashSet<>();
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (utf8.length >= MIN_BASE64_BYTES) {
      forms.add(Base64.getEncoder().encodeToString(utf8));
    }
    for (int shift = 0; shift < 3; shift++) {
      base64Aligned(utf8, shift, forms);
    }
    forms.add(value.replace("'", "''"));
    // JSON as every encoder prints it (Newtonsoft's JsonStringEscape, JSON.stringify, Jackson).
    forms.add(new String(JsonStringEncoder.getInstance().quoteAsString(value)));
    forms.add(uriData(value));
    forms.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
    forms.add(xml(value));
    if (value.length() > 8 && value.startsWith("\"") && value.endsWith("\"")) {
      forms.add(value.substring(1, value.length() - 1));
    }
    forms.add(bashBackslash(value));
    forms.add(value.replace("'", "'\\''"));
    forms.add(value.replace("'", "'\"'\"'"));
    forms.add(doubleQuoted(value));
    forms.remove(value);
    forms.removeIf(String::isBlank);
    return forms;
  }

  /**
   * Base64 of the value's bytes from {@code shift} on, cut to the chars that depend on those bytes
   * alone: padding and the last partial char change with whatever follows the secret, and dropping
   * 0, 1 or 2 leading bytes lines the rest up with the 3-byte groups of whatever precedes it
   * ({@code base64(user + ":" + password)}). actions/runner ADR 0297
   * (docs/adrs/0297-base64-masking-trailing-characters.md) trims the same way.
   */
  private static void base64Aligned(byte[] utf8, int shift, Set<String> forms) {
    int n = utf8.length - shift;
    if (n < MIN_BASE64_BYTES) {
      return;
    }
    String encoded =
        Base64.getEncoder().encodeToString(Arrays.copyOfRange(utf8, shift, utf8.length));
    forms.add(encoded.substring(0, n * 8 / 6));
  }

  /** As .NET's {@code Uri.EscapeDataString}: RFC 3986 unreserved chars kept, UTF-8 %XX else. */
  private static String uriData(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** As .NET's {@code SecurityElement.Escape}. */
  private static String xml(String value) {
    return escapeEach(value, "<>\"'&", new String[] {"&lt;", "&gt;", "&quot;", "&apos;", "&amp;"});
  }

  /**
   * As bash's {@code printf %q} for printable text: a backslash before each metacharacter, before
   * '#' at the start and before '~' where tilde expansion would see it: at the start and after '='
   * or ':' (bash {@code lib/sh/shquote.c}, {@code sh_backslash_quote}).
   */
  private static String bashBackslash(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      char before = i == 0 ? '=' : value.charAt(i - 1);
      if (" \t'\"\\|&;()<>!{}*[]?^$`,".indexOf(c) >= 0
          || (i == 0 && c == '#')
          || (c == '~' && (before == '=' || before == ':'))) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** The value inside a double-quoted shell word. */
  private static String doubleQuoted(String value) {
    return escapeEach(value, "\\\"$`", new String[] {"\\\\", "\\\"", "\\$", "\\`"});
  }

  private static String escapeEach(String value, String chars, String[] replacements) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      int k = chars.indexOf(c);
      sb.append(k < 0 ? String.valueOf(c) : replacements[k]);
    }
    return sb.toString();
  }
}
