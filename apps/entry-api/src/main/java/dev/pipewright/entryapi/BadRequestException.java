package dev.pipewright.entryapi;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.util.List;

/** A request field the API refuses before doing anything; becomes google.rpc.BadRequest. */
final class BadRequestException extends CiException {
  private static final long serialVersionUID = 1L;

  record Violation(String field, String description) {}

  private final transient List<Violation> violations;

  BadRequestException(String field, String description) {
    super(ErrorCode.INVALID_SPEC, field + ": " + description);
    this.violations = List.of(new Violation(field, description));
  }

  List<Violation> violations() {
    return violations;
  }
}
