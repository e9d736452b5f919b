package dev.pipewright.parser;

import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * A YAML parser whose events pass a check on their way to the composer. Checking events rather than
 * the composed tree sees each problem before the composer acts on it (recursing one level deeper,
 * merging a mapping into itself), reads the text once, and knows the position of every event.
 */
abstract class CheckedEvents implements Parser {

  /** Thrown to the composer's caller, after reporting, when composing must not go on. */
  static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stop() {
      super("the document cannot be composed", null, false, false);
    }
  }

  private final Parser parser;

  CheckedEvents(Parser parser) {
    this.parser = parser;
  }

  /**
   * Looks at the next event before the composer gets it.
   *
   * @throws Stop when the composer must not get it (the problem has been reported)
   */
  abstract void check(Event event);

  @Override
  public Event next() {
    Event event = parser.next();
    check(event);
    return event;
  }

  @Override
  public boolean checkEvent(Event.ID id) {
    return parser.checkEvent(id);
  }

  @Override
  public Event peekEvent() {
    return parser.peekEvent();
  }

  @Override
  public boolean hasNext() {
    return parser.hasNext();
  }
}
