package dev.pipewright.cli.view;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A build's artifacts as {@code artifacts} and {@code status} show them: an aligned table for
 * people (size in binary units, the SHA-256's first 12 digits, as {@code git} shortens hashes), and
 * stable snake_case JSON (whole size and hash) for scripts.
 */
public final class ArtifactTable {
  static final int SHORT_SHA = 12;
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

  private ArtifactTable() {}

  /** Header and one row per artifact, columns padded to the widest cell. */
  public static List<String> rows(List<ArtifactState> artifacts) {
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"NAME", "SIZE", "SHA256", "EXPIRES"});
    for (ArtifactState a : artifacts) {
      cells.add(
          new String[] {
            a.name(), size(a.size()), shortSha(a.sha256()), String.valueOf(a.expiresAt())
          });
    }
    int[] widths = new int[4];
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : cells) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : pad(row[i], widths[i] + 2));
      }
      lines.add(line.toString());
    }
    return lines;
  }

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 20.0 MiB}. */
  public static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }

  static String shortSha(String sha256) {
    return sha256.length() <= SHORT_SHA ? sha256 : sha256.substring(0, SHORT_SHA);
  }

  /** One artifact for scripts: add fields, never rename them. */
  public static Map<String, Object> json(ArtifactState a) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", a.name());
    json.put("size", a.size());
    json.put("sha256", a.sha256());
    json.put("job_key", a.jobKey());
    json.put("create_time", time(a.createdAt()));
    json.put("expire_time", time(a.expiresAt()));
    return json;
  }

  public static List<Map<String, Object>> json(List<ArtifactState> artifacts) {
    return artifacts.stream().map(ArtifactTable::json).toList();
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}
