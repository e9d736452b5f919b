package dev.pipewright.executor.host.process;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

  /**
   * A directory this process created 0700 came out 0700: the umask (the process's, which Java
   * cannot change) clears none of the owner's bits, so every directory created 0700 later does too,
   * and need not be read back. Every job creates six.
   */
  private static volatile boolean umaskKeepsOwnerBits;

  private OwnerOnly() {}

  /**
   * Creates {@code dir} (and missing parents) 0700; an existing one is set to 0700, so a directory
   * made before, by another attempt or an older worker, is closed too.
   */
  static void directory(Path dir) throws IOException {
    boolean created;
    try {
      Files.createDirectory(dir, ATTRIBUTE);
      created = true;
    } catch (FileAlreadyExistsException | NoSuchFileException e) {
      // Existing (or a file: createDirectories says so), or its parents are missing.
      Files.createDirectories(dir, ATTRIBUTE);
      created = false;
    }
    if (created && umaskKeepsOwnerBits) {
      return;
    }
    boolean ownerOnly = Files.getPosixFilePermissions(dir).equals(PERMISSIONS);
    if (created && ownerOnly) {
      umaskKeepsOwnerBits = true;
    } else if (!ownerOnly) {
      Files.setPosixFilePermissions(dir, PERMISSIONS);
    }
  }
}
