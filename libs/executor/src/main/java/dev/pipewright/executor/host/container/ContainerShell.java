package dev.pipewright.executor.host.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The small {@code /bin/sh} programs the container host runs inside a job's container: the only
 * thing it needs of an image is a POSIX {@code /bin/sh} (busybox, dash, bash), never bash, glibc or
 * Java. The pod host ({@code dev.pipewright.kubernetes.pod}) runs the same programs in its pods.
 */
public final class ContainerShell {
  private ContainerShell() {}

  /**
   * Starts a command: sources the environment file named by {@code $0} (the values stay out of
   * every command line), prints its own pid, then becomes the command with stderr joined to stdout
   * so lines keep their order. runc starts every exec in a session of its own, so that pid is also
   * the process group of the command and of whatever it starts.
   */
  static final String START = ". \"$0\" && echo \"$$\" && exec \"$@\" 2>&1";

  /**
   * Signals process group {@code $1} with {@code $0} through the shell's builtin {@code kill}: dash
   * needs {@code --} before a negative pid, busybox refuses it, so the second form follows.
   */
  static final String SIGNAL_GROUP =
      "kill -s \"$0\" -- \"-$1\" 2>/dev/null || kill -s \"$0\" \"-$1\"";

  /**
   * Looks {@code $1} up the way {@link dev.pipewright.executor.host.JobHost#findExecutable} says: a
   * name with a slash relative to the directory {@code $0}, else the first regular executable file
   * in the {@code :}-separated {@code $2}; prints its absolute path.
   */
  public static final String FIND_EXECUTABLE =
      "cd \"$0\" || exit 1\n"
          + "case \"$1\" in\n"
          + "  */*) f=$1 ;;\n"
          + "  *) f=; IFS=:; for d in $2; do\n"
          + "       [ -n \"$d\" ] && [ -f \"$d/$1\" ] && [ -x \"$d/$1\" ] && { f=$d/$1; break; }\n"
          + "     done ;;\n"
          + "esac\n"
          + "[ -n \"$f\" ] && [ -f \"$f\" ] && [ -x \"$f\" ] || exit 1\n"
          + "case \"$f\" in /*) echo \"$f\" ;; *) echo \"$PWD/$f\" ;; esac\n";

  /** Keeps the container alive without any program of the image but its shell. */
  static final List<String> KEEP_ALIVE = List.of("/bin/sh", "-c", "read -r _");

  /** Exits 0 when {@code $0} is a directory of the container (a path outside the mounts). */
  static final String IS_DIRECTORY = "[ -d \"$0\" ]";

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * The environment file {@link #START} sources: one {@code export NAME='value'} per variable.
   * Variables whose names {@code sh} cannot hold ({@code INPUT_WHO-TO-GREET}: Handler.cs keeps an
   * input's hyphens, and GitHub's runner hands them to {@code docker exec -e}) cannot be exported
   * by the shell, and dash and bash drop them from what they start: the file ends by putting {@code
   * env NAME=value...} before the command ({@code set --} in a sourced file sets the positional
   * parameters {@code exec "$@"} runs), so they reach it through the image's {@code env}. Their
   * values are then on {@code env}'s command line inside the container until it starts the command.
   */
  public static String environmentFile(Map<String, String> env) {
    StringBuilder out = new StringBuilder();
    StringBuilder other = new StringBuilder();
    env.forEach(
        (name, value) -> {
          if (NAME.matcher(name).matches()) {
            out.append("export ").append(name).append('=').append(quoted(value)).append('\n');
          } else if (!name.isEmpty() && name.indexOf('=') < 0) {
            other.append(' ').append(quoted(name + "=" + value));
          }
        });
    if (!other.isEmpty()) {
      out.append("set -- env").append(other).append(" \"$@\"\n");
    }
    return out.toString();
  }

  /** {@code 'text'} for {@code sh}, a quote inside as {@code '\''}. */
  private static String quoted(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  /** {@code /bin/sh -c program $0 args...} */
  public static List<String> sh(String program, String zero, List<String> args) {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", program, zero));
    argv.addAll(args);
    return argv;
  }

  /** The pid {@link #START} printed as its first line, or empty when the line is something else. */
  static OptionalLong pid(String firstLine) {
    if (firstLine.isEmpty()
        || firstLine.length() > 10
        || !firstLine.chars().allMatch(Character::isDigit)) {
      return OptionalLong.empty();
    }
    long pid = Long.parseLong(firstLine);
    return pid > 1 ? OptionalLong.of(pid) : OptionalLong.empty();
  }
}
