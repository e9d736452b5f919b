package dev.pipewright.executor.engine;

import dev.pipewright.executor.host.JobFiles;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.expressions.ExpressionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code hashFiles(patterns...)} over a job's workspace, as GitHub computes it: the SHA-256 of the
 * concatenated SHA-256 digests of the matched regular files in path order; empty when nothing
 * matches. Patterns are globs relative to the workspace; {@code !pattern} excludes. Files are read
 * through the host, so it works where the worker cannot open the workspace itself.
 */
final class HashFiles {
  private HashFiles() {}

  static String compute(JobFiles files, String workspace, List<String> patterns) {
    List<PathMatcher> include = new ArrayList<>();
    List<PathMatcher> exclude = new ArrayList<>();
    for (String p : patterns) {
      String pattern = p.strip();
      boolean negated = pattern.startsWith("!");
      (negated ? exclude : include).addAll(matchers(negated ? pattern.substring(1) : pattern));
    }
    if (include.isEmpty()) {
      return "";
    }
    List<String> matched = new ArrayList<>();
    try {
      for (String rel : files.listFiles(workspace)) {
        Path p = Path.of(rel);
        if (include.stream().anyMatch(m -> m.matches(p))
            && exclude.stream().noneMatch(m -> m.matches(p))) {
          matched.add(rel);
        }
      }
    } catch (IOException e) {
      throw new ExpressionException("hashFiles() could not read the workspace: " + e, 1);
    }
    if (matched.isEmpty()) {
      return "";
    }
    MessageDigest all = sha256();
    byte[] buf = new byte[64 * 1024];
    for (String rel : matched) {
      MessageDigest one = sha256();
      try (InputStream in = files.open(JobPaths.join(workspace, rel))) {
        int n;
        while ((n = in.read(buf)) > 0) {
          one.update(buf, 0, n);
        }
      } catch (IOException e) {
        throw new ExpressionException("hashFiles() could not read " + rel + ": " + e, 1);
      }
      all.update(one.digest());
    }
    return HexFormat.of().formatHex(all.digest());
  }

  /** Java globs need a directory before {@code **}/; GitHub's {@code **}/x also matches x. */
  private static List<PathMatcher> matchers(String glob) {
    String g = glob.startsWith("./") ? glob.substring(2) : glob;
    List<PathMatcher> result = new ArrayList<>();
    result.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
    if (g.startsWith("**/")) {
      result.add(FileSystems.getDefault().getPathMatcher("glob:" + g.substring(3)));
    }
    return result;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
