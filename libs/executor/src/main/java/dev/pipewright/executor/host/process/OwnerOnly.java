package dev.pipewright.executor.host.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Directories only their owner may enter (0700), whatever the worker's umask. */
final class OwnerOnly {
  private static final Set<PosixFilePermission> PERMISSIONS =
      PosixFilePermissions.fromString("rwx------");
  private static final FileAttribute<Set<PosixFilePermission>> ATTRIBUTE =
      PosixFilePermissions.asFileAttribute(PERMISSIONS);

  private OwnerOnly() {}

  /**
   * Creates {@code dir} (and missing parents) 0700; an existing one is set to 0700, so a directory
   * made before, by another attempt or an older worker, is closed too.
   */
  static void directory(Path dir) throws IOException {
    Files.createDirectories(dir, ATTRIBUTE);
    if (!Files.getPosixFilePermissions(dir).equals(PERMISSIONS)) {
      Files.setPosixFilePermissions(dir, PERMISSIONS);
    }
  }
}
