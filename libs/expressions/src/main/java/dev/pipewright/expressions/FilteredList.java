package dev.pipewright.expressions;

import java.util.ArrayList;

/**
 * The result of an object filter ({@code a.*}). Unlike a plain array, a property access on it maps
 * over its elements, which is what makes {@code issues.*.labels.*.name} work.
 */
final class FilteredList extends ArrayList<Object> {
  private static final long serialVersionUID = 1L;
}
