package dev.pipewright.parser.spec;

/** {@code defaults.run}: the shell and working directory of {@code run} steps. */
public record RunDefaults(String shell, String workingDirectory) {
  public static final RunDefaults NONE = new RunDefaults(null, null);

  /** This level's values, falling back to the outer level's. */
  public RunDefaults over(RunDefaults outer) {
    return new RunDefaults(
        shell != null ? shell : outer.shell(),
        workingDirectory != null ? workingDirectory : outer.workingDirectory());
  }
}
