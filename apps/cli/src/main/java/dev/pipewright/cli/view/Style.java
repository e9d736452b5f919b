package dev.pipewright.cli.view;

import java.util.Locale;

/** ANSI colours for a terminal, or plain text; states are coloured by what they mean. */
public final class Style {
  private static final String RESET = "\u001b[0m";

  private final boolean color;

  private Style(boolean color) {
    this.color = color;
  }

  public static Style of(boolean color) {
    return new Style(color);
  }

  public boolean color() {
    return color;
  }

  /** A state's name in lower case, coloured: green done, red failed, yellow stopped, cyan busy. */
  public String state(Enum<?> state) {
    String word = word(state);
    return switch (state.name()) {
      case "SUCCEEDED" -> paint("32", word);
      case "FAILED" -> paint("31", word);
      case "CANCELLED", "SKIPPED" -> paint("33", word);
      case "RUNNING" -> paint("36", word);
      default -> paint("2", word);
    };
  }

  public String dim(String text) {
    return paint("2", text);
  }

  public String bold(String text) {
    return paint("1", text);
  }

  public String red(String text) {
    return paint("31", text);
  }

  public static String word(Enum<?> state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private String paint(String sgr, String text) {
    return color ? "\u001b[" + sgr + "m" + text + RESET : text;
  }
}
