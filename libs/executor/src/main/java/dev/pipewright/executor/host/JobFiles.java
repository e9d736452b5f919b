package dev.pipewright.executor.host;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of a job, addressed by absolute paths in the host's view ({@link JobPaths}). A host
 * whose file system the worker cannot open (a container, a pod's volume) implements them with
 * commands in the job's environment; the batch methods let it do a step's files in one round trip.
 *
 * <p>Every method throws {@link IOException} when the host cannot be reached or the operation
 * failed (the engine treats it as a transient failure of the runner, not of the step), or a {@link
 * dev.pipewright.models.CiException} when the host knows the failure's kind.
 */
public interface JobFiles {

  /** The file's bytes, or empty when there is no such file. */
  Optional<byte[]> read(String path) throws IOException;

  /** Creates or replaces a file; its directory must exist. */
  void write(String path, byte[] content) throws IOException;

  /**
   * Makes a written file executable ({@link FileModes#makeExecutable}): the scripts of a remote
   * action keep the mode git gave them when the action is copied into the job.
   */
  void makeExecutable(String path) throws IOException;

  /** Deletes a file; a missing one is fine. */
  void delete(String path) throws IOException;

  /** Creates a directory and its missing parents. */
  void createDirectories(String path) throws IOException;

  boolean isDirectory(String path) throws IOException;

  /**
   * The regular files below {@code dir} (symbolic links followed, as {@code hashFiles()} does), as
   * paths relative to it with {@code /} separators, sorted; empty when {@code dir} is missing.
   */
  List<String> listFiles(String dir) throws IOException;

  /** Streams a file's content (for {@code hashFiles()}, which must not hold large files). */
  InputStream open(String path) throws IOException;

  /** {@link #write} for several files, in order. */
  default void writeAll(Map<String, byte[]> files) throws IOException {
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      write(f.getKey(), f.getValue());
    }
  }

  /** {@link #read} for several files: path → content, empty for missing files. */
  default Map<String, Optional<byte[]>> readAll(List<String> paths) throws IOException {
    Map<String, Optional<byte[]>> result = new LinkedHashMap<>();
    for (String p : paths) {
      result.put(p, read(p));
    }
    return result;
  }

  /** {@link #delete} for several files. */
  default void deleteAll(List<String> paths) throws IOException {
    List<IOException> failures = new ArrayList<>();
    for (String p : paths) {
      try {
        delete(p);
      } catch (IOException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      IOException first = failures.getFirst();
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }
}
