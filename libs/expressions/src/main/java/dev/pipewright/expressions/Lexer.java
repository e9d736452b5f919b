package dev.pipewright.expressions;

import dev.pipewright.expressions.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/** Splits an expression into tokens. Positions are 0-based; errors report 1-based columns. */
final class Lexer {
  private final String src;
  private int i;
  private Token last;

  private Lexer(String src) {
    this.src = src;
  }

  static List<Token> tokenize(String src) {
    Lexer lexer = new Lexer(src);
    List<Token> tokens = new ArrayList<>();
    Token t;
    do {
      t = lexer.next();
      lexer.last = t;
      tokens.add(t);
    } while (t.kind() != Kind.EOF);
    return tokens;
  }

  private Token next() {
    while (i < src.length() && Character.isWhitespace(src.charAt(i))) {
      i++;
    }
    if (i >= src.length()) {
      return new Token(Kind.EOF, "", null, src.length());
    }
    int start = i;
    char c = src.charAt(i);
    char n = i + 1 < src.length() ? src.charAt(i + 1) : '\0';
    switch (c) {
      case '(':
        return symbol(Kind.LPAREN, 1);
      case ')':
        return symbol(Kind.RPAREN, 1);
      case '[':
        return symbol(Kind.LBRACKET, 1);
      case ']':
        return symbol(Kind.RBRACKET, 1);
      case ',':
        return symbol(Kind.COMMA, 1);
      case '.':
        return startsValue() ? number() : symbol(Kind.DOT, 1);
      case '*':
        return symbol(Kind.STAR, 1);
      case '!':
        return n == '=' ? symbol(Kind.NE, 2) : symbol(Kind.NOT, 1);
      case '<':
        return n == '=' ? symbol(Kind.LE, 2) : symbol(Kind.LT, 1);
      case '>':
        return n == '=' ? symbol(Kind.GE, 2) : symbol(Kind.GT, 1);
      case '=':
        if (n == '=') {
          return symbol(Kind.EQ, 2);
        }
        throw unexpected(start, "=");
      case '&':
        if (n == '&') {
          return symbol(Kind.AND, 2);
        }
        throw unexpected(start, "&");
      case '|':
        if (n == '|') {
          return symbol(Kind.OR, 2);
        }
        throw unexpected(start, "|");
      case '\'':
        return string();
      case '"':
        throw new ExpressionException(
            "Unexpected symbol: '\"'. Strings must use single quotes", start + 1);
      default:
        break;
    }
    if (isDigit(c) || c == '-' || c == '+') {
      return number();
    }
    // Like the runner, read up to a token boundary, then judge the whole word.
    while (i < src.length() && !isBoundary(src.charAt(i))) {
      i++;
    }
    String word = src.substring(start, i);
    if (!isLegalWord(word)) {
      throw unexpected(start, word);
    }
    return new Token(Kind.WORD, word, null, start);
  }

  /** Whether a '.' here begins a number ({@code .5}) rather than a property access. */
  private boolean startsValue() {
    if (last == null) {
      return true;
    }
    return switch (last.kind()) {
      case COMMA, LPAREN, LBRACKET, NOT, LT, LE, GT, GE, EQ, NE, AND, OR -> true;
      default -> false;
    };
  }

  private Token symbol(Kind kind, int length) {
    int start = i;
    i += length;
    return new Token(kind, src.substring(start, i), null, start);
  }

  private Token string() {
    int start = i;
    StringBuilder value = new StringBuilder();
    i++;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == '\'') {
        if (i + 1 < src.length() && src.charAt(i + 1) == '\'') {
          value.append('\'');
          i += 2;
          continue;
        }
        i++;
        return new Token(Kind.STRING, src.substring(start, i), value.toString(), start);
      }
      value.append(c);
      i++;
    }
    throw new ExpressionException(
        "Unexpected symbol: '" + src.substring(start) + "'. The string is not terminated",
        start + 1);
  }

  private Token number() {
    int start = i;
    i++;
    while (i < src.length() && (!isBoundary(src.charAt(i)) || src.charAt(i) == '.')) {
      i++;
    }
    String text = src.substring(start, i);
    double value = Values.parseNumber(text);
    if (Double.isNaN(value)) {
      throw unexpected(start, text);
    }
    return new Token(Kind.NUMBER, text, value, start);
  }

  private static boolean isBoundary(char c) {
    return switch (c) {
      case '(', '[', ')', ']', ',', '.', '!', '>', '<', '=', '&', '|' -> true;
      default -> Character.isWhitespace(c);
    };
  }

  /** Context, property and function names: a letter or '_', then letters, digits, '_' or '-'. */
  private static boolean isLegalWord(String word) {
    char first = word.charAt(0);
    if (!(Character.isLetter(first) || first == '_')) {
      return false;
    }
    for (int k = 1; k < word.length(); k++) {
      char c = word.charAt(k);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static ExpressionException unexpected(int pos, String symbol) {
    return new ExpressionException("Unexpected symbol: '" + symbol + "'", pos + 1);
  }
}
