package dev.pipewright.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A joined blob of {@link DirectoryBlobStore}: a directory at the blob's address holding hard links
 * to the files of its parts, named by their position ({@code 000000}, {@code 000001}…). Joining
 * blocks into one blob so costs a link per block, never a copy of their bytes; the parts' own blobs
 * may go, the links keep the bytes. Immutable like a file blob, and read as one.
 */
final class LinkedParts {
  private LinkedParts() {}

  /** The part files of the joined blob at {@code dir}, in order. */
  static List<Path> parts(Path dir) throws IOException {
    List<Path> parts = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      files.forEach(parts::add);
    }
    Collections.sort(parts);
    return parts;
  }

  /** A part of a joined blob: its file and size. */
  record Part(Path file, long size) {}

  /** The parts of the joined blob at {@code dir}, in order, with their sizes. */
  static List<Part> sized(Path dir) throws IOException {
    List<Part> sized = new ArrayList<>();
    for (Path part : parts(dir)) {
      sized.add(new Part(part, Files.size(part)));
    }
    return sized;
  }

  static long size(List<Part> parts) {
    return parts.stream().mapToLong(Part::size).sum();
  }

  /** The files {@code blob} consists of: itself, or its parts. */
  static List<Path> files(Path blob) throws IOException {
    return Files.isDirectory(blob) ? parts(blob) : List.of(blob);
  }

  /**
   * Links {@code files} in order into the new directory {@code dir} and forces them and it to disk:
   * the parts were written without, and are durable from here on.
   */
  static void link(List<Path> files, Path dir) throws IOException {
    Files.createDirectory(dir);
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      Files.createLink(dir.resolve(String.format(Locale.ROOT, "%06d", i)), file);
      force(file);
    }
    force(dir);
  }

  private static void force(Path path) throws IOException {
    try (FileChannel f = FileChannel.open(path, StandardOpenOption.READ)) {
      f.force(true);
    }
  }

  /**
   * {@code length} bytes from {@code offset} of a joined blob of {@code parts} ({@link #sized}),
   * part after part.
   *
   * @throws NoSuchFileException when a part is gone
   */
  static InputStream read(List<Part> parts, long offset, long length) throws IOException {
    List<InputStream> ranges = new ArrayList<>();
    try {
      long start = 0;
      for (Part part : parts) {
        long size = part.size();
        long from = Math.max(offset, start);
        long to = Math.min(offset + length, start + size);
        if (from < to) {
          FileChannel channel = FileChannel.open(part.file(), StandardOpenOption.READ);
          ranges.add(
              new BlobStreams.Bounded(
                  Channels.newInputStream(channel.position(from - start)), to - from));
        }
        start += size;
      }
    } catch (IOException | RuntimeException e) {
      for (InputStream in : ranges) {
        in.close();
      }
      throw e;
    }
    return new SequenceInputStream(Collections.enumeration(ranges));
  }

  /** Deletes the links, then the directory. */
  static void delete(Path dir) throws IOException {
    for (Path part : parts(dir)) {
      Files.deleteIfExists(part);
    }
    Files.deleteIfExists(dir);
  }
}
