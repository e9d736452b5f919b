package dev.pipewright.text;

/**
 * JSON string literals, escaped as Newtonsoft.Json (which GitHub's {@code toJSON} uses) escapes
 * them by default: the two-character escapes of RFC 8259 where one exists ({@code \" \\ \b \f \n \r
 * \t}), {@code \}{@code u00XX} for the other control characters, and also for U+0085, U+2028 and
 * U+2029, which JSON allows raw but JavaScript source and some log viewers take as line breaks.
 */
public final class JsonStrings {
  private JsonStrings() {}

  /** {@code value} as a quoted JSON string. */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2);
    quote(out, value);
    return out.toString();
  }

  /** Appends {@code value} as a quoted JSON string. */
  public static void quote(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u0085' || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
