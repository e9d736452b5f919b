package dev.pipewright.executor.host.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removes a directory tree without following symbolic links (a link a job left is removed, never
 * what it points to). Every job's directories go this way. Where the platform gives a {@link
 * SecureDirectoryStream} (Linux), each entry costs one {@code fstatat} and one {@code unlinkat}
 * relative to its open directory, where {@link Files#walkFileTree} with {@link
 * Files#deleteIfExists} costs two {@code lstat}s of the whole path and the unlink.
 */
final class Trees {
  private Trees() {}

  /** Deletes {@code dir} and everything below it; a missing one is fine. */
  static void delete(Path dir) throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if (!attrs.isDirectory()) {
      Files.deleteIfExists(dir);
      return;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      if (stream instanceof SecureDirectoryStream<Path> secure) {
        deleteEntries(secure);
      } else {
        walkAndDelete(dir);
        return;
      }
    } catch (NoSuchFileException e) {
      return;
    }
    Files.deleteIfExists(dir);
  }

  /** Empties the directory {@code dir} is open on, depth first. */
  private static void deleteEntries(SecureDirectoryStream<Path> dir) throws IOException {
    for (Path entry : dir) {
      Path name = entry.getFileName();
      BasicFileAttributes attrs;
      try {
        attrs =
            dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
      } catch (NoSuchFileException e) {
        continue;
      }
      try {
        if (attrs.isDirectory()) {
          try (SecureDirectoryStream<Path> sub =
              dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            deleteEntries(sub);
          }
          dir.deleteDirectory(name);
        } else {
          dir.deleteFile(name);
        }
      } catch (NoSuchFileException e) {
        // Gone meanwhile (a job's process still ending): what was wanted.
      }
    }
  }

  /** Where there is no {@link SecureDirectoryStream}: the file tree walk. */
  private static void walkAndDelete(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            if (exc instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw exc;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
