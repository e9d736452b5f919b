package dev.pipewright.executor.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** File modes the worker sets on a job's files where it writes them itself. */
public final class FileModes {
  private FileModes() {}

  /** Whether the file's owner may execute it: how git records a script ({@code 100755}). */
  public static boolean executable(Path file) throws IOException {
    return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
  }

  /** {@code chmod +x} for whoever may read the file, as {@code git checkout} leaves a script. */
  public static void makeExecutable(Path file) throws IOException {
    Set<PosixFilePermission> mode = EnumSet.copyOf(Files.getPosixFilePermissions(file));
    mode.add(PosixFilePermission.OWNER_EXECUTE);
    if (mode.contains(PosixFilePermission.GROUP_READ)) {
      mode.add(PosixFilePermission.GROUP_EXECUTE);
    }
    if (mode.contains(PosixFilePermission.OTHERS_READ)) {
      mode.add(PosixFilePermission.OTHERS_EXECUTE);
    }
    Files.setPosixFilePermissions(file, mode);
  }
}
