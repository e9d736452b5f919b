package dev.pipewright.store;

/** A build variable; a secret one must be masked wherever it is shown or logged. */
public record Variable(String value, boolean secret) {
  public Variable {
    value = value == null ? "" : value;
  }

  @Override
  public String toString() {
    return secret ? "Variable[***]" : "Variable[" + value + "]";
  }
}
