package dev.pipewright.cli.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The builds of {@code pipewright list} as aligned columns under a header: the short id (which
 * every command accepts), pipeline, number, state, duration and how long ago it was created; wide
 * adds the whole id, exact times and why it failed. Pure: the caller prints the lines.
 */
public final class BuildTable {
  /** A cell: the text measured for alignment, and the text shown (coloured, maybe). */
  private record Cell(String text, String shown) {
    static Cell plain(String text) {
      return new Cell(text, text);
    }
  }

  private BuildTable() {}

  public static List<String> lines(
      List<BuildState> builds, Instant now, boolean wide, Style style) {
    List<List<Cell>> rows = new ArrayList<>();
    rows.add(
        (wide
                ? List.of("ID", "PIPELINE", "NUMBER", "STATUS", "DURATION", "CREATED", "ERROR")
                : List.of("ID", "PIPELINE", "NUMBER", "STATUS", "DURATION", "CREATED"))
            .stream().map(Cell::plain).toList());
    for (BuildState build : builds) {
      rows.add(row(build, now, wide, style));
    }
    return aligned(rows);
  }

  private static List<Cell> row(BuildState build, Instant now, boolean wide, Style style) {
    Duration took = Durations.between(build.startedAt(), build.finishedAt(), now);
    List<Cell> cells = new ArrayList<>();
    cells.add(Cell.plain(wide ? build.id() : build.shortId()));
    cells.add(Cell.plain(build.pipelineId()));
    cells.add(Cell.plain("#" + build.number()));
    cells.add(new Cell(Style.word(build.status()), style.state(build.status())));
    cells.add(Cell.plain(took == null ? "-" : Durations.format(took)));
    if (build.createdAt() == null) {
      cells.add(Cell.plain("-"));
    } else {
      cells.add(
          Cell.plain(
              wide ? Durations.exact(build.createdAt()) : Durations.ago(build.createdAt(), now)));
    }
    if (wide) {
      String error =
          build.errorMessage() == null ? "" : build.errorMessage().lines().findFirst().orElse("");
      cells.add(Cell.plain(error));
    }
    return cells;
  }

  private static List<String> aligned(List<List<Cell>> rows) {
    int columns = rows.getFirst().size();
    int[] widths = new int[columns];
    for (List<Cell> row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row.get(c).text().length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<Cell> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        Cell cell = row.get(c);
        line.append(cell.shown());
        if (c < columns - 1) {
          line.append(" ".repeat(widths[c] - cell.text().length() + 2));
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }
}
