// A step's log text as numbered lines with their ##[group] sections, which the job page folds.
// The engine writes `::group::title` as `##[group]title` and `::endgroup::` as `##[endgroup]`
// (WorkflowCommands.java, as actions/runner's ActionCommandManager.cs does).

export interface LogLine {
  /** 1-based within the step: the #L<n> anchor. */
  number: number;
  text: string;
  /** The number of the ##[group] line this line belongs to; null outside a group. */
  group: number | null;
  /** This line opens a group (its text is then the group's title). */
  opens: boolean;
}

const GROUP = "##[group]";
const END_GROUP = "##[endgroup]";

/** Keeps whole lines: a chunk may end inside a line, whose rest comes with the next chunk. */
export class LineBuffer {
  private partial = "";
  private readonly lines: LogLine[] = [];
  private openGroup: number | null = null;

  /** Adds text and returns the lines it completed. */
  append(text: string): LogLine[] {
    const parts = (this.partial + text).split("\n");
    this.partial = parts.pop() ?? "";
    return parts.map((p) => this.line(p.endsWith("\r") ? p.slice(0, -1) : p));
  }

  /** Whatever is left without a final newline, once no more text will come. */
  flush(): LogLine[] {
    if (this.partial === "") return [];
    const rest = this.partial;
    this.partial = "";
    return [this.line(rest)];
  }

  all(): readonly LogLine[] {
    return this.lines;
  }

  private line(raw: string): LogLine {
    const number = this.lines.length + 1;
    let line: LogLine;
    if (raw.startsWith(GROUP)) {
      // A group inside a group is not nested (GitHub's viewer does not nest them either).
      this.openGroup = number;
      line = { number, text: raw.slice(GROUP.length), group: number, opens: true };
    } else if (raw.startsWith(END_GROUP)) {
      line = { number, text: "", group: this.openGroup, opens: false };
      this.openGroup = null;
    } else {
      line = { number, text: raw, group: this.openGroup, opens: false };
    }
    this.lines.push(line);
    return line;
  }
}

/**
 * The lines to show: a line inside a collapsed group is hidden (its opening line stays, to expand
 * it), unless the group holds the line a #L link selects, which must be seen.
 */
export function visibleLines(
  lines: readonly LogLine[],
  expanded: ReadonlySet<number>,
  selected: number | null,
): LogLine[] {
  const forced = selected === null ? null : (lines[selected - 1]?.group ?? null);
  return lines.filter(
    (l) => l.group === null || l.opens || expanded.has(l.group) || l.group === forced,
  );
}

/** Line numbers whose text contains the query, ignoring case; none for an empty query. */
export function searchLines(lines: readonly LogLine[], query: string, text: (l: LogLine) => string): number[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [];
  return lines.filter((l) => text(l).toLowerCase().includes(q)).map((l) => l.number);
}

export type Level = "error" | "warning" | "notice" | "debug";

/**
 * A `##[error]message` line (and warning, notice, debug) as the runner writes workflow commands
 * to the log: its level and the message without the marker, which the page shows coloured.
 */
export function commandLevel(text: string): { level: Level; text: string } | null {
  const m = /^##\[(error|warning|notice|debug)\](.*)$/s.exec(text);
  return m ? { level: m[1] as Level, text: m[2] ?? "" } : null;
}
