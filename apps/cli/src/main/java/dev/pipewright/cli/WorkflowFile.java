package dev.pipewright.cli;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading a workflow file named on the command line, with one-line reasons when it cannot be. */
final class WorkflowFile {
  private WorkflowFile() {}

  /** Thrown with a message fit to print as is. */
  static final class UnreadableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message) {
      super(message);
    }
  }

  static String read(Path file) throws UnreadableException {
    if (Files.isDirectory(file)) {
      throw new UnreadableException("pipewright: cannot read " + file + ": is a directory");
    }
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new UnreadableException("pipewright: cannot read " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new UnreadableException("pipewright: cannot read " + file + ": permission denied");
    } catch (MalformedInputException e) {
      throw new UnreadableException("pipewright: cannot read " + file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new UnreadableException("pipewright: cannot read " + file + ": " + e.getMessage());
    }
  }
}
