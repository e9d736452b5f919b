package dev.pipewright.cli.view;

/**
 * A piece of a build's output: whole lines, each ending with a newline.
 *
 * @param jobKey empty for build-level output
 * @param stepNumber 0 for the job's own output (set-up, tear-down)
 */
public record LogText(String jobKey, int stepNumber, String content) {}
