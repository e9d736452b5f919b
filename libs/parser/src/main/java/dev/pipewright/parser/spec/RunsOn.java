package dev.pipewright.parser.spec;

import java.util.List;

/**
 * {@code runs-on}: a label, a list of labels, or {@code {group, labels}}; an expression stays in
 * {@code expression} and is resolved at run time.
 */
public record RunsOn(List<String> labels, String group, String expression) {}
