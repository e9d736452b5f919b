package dev.pipewright.secrets;

/**
 * A sealed secret value that cannot be opened: malformed, sealed with a key that is not loaded, or
 * altered (its ciphertext, or the build and name it was sealed for). The message names the value
 * and the key id, never the value or the key.
 */
public final class SecretException extends RuntimeException {
  public SecretException(String message) {
    super(message);
  }

  SecretException(String message, Throwable cause) {
    super(message, cause);
  }
}
