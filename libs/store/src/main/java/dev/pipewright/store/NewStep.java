package dev.pipewright.store;

import java.util.Objects;

/** A step of a planned job; its number is its 1-based position in {@link NewJob#steps()}. */
public record NewStep(String name) {
  public NewStep {
    Objects.requireNonNull(name, "name");
  }
}
