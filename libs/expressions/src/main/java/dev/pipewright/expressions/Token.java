package dev.pipewright.expressions;

/** One lexical token; {@code pos} is the 0-based offset of its first character. */
record Token(Kind kind, String text, Object value, int pos) {
  enum Kind {
    LPAREN("("),
    RPAREN(")"),
    LBRACKET("["),
    RBRACKET("]"),
    COMMA(","),
    DOT("."),
    STAR("*"),
    NOT("!"),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    EQ("=="),
    NE("!="),
    AND("&&"),
    OR("||"),
    STRING("string"),
    NUMBER("number"),
    WORD("word"),
    EOF("end of expression");

    final String symbol;

    Kind(String symbol) {
      this.symbol = symbol;
    }
  }
}
