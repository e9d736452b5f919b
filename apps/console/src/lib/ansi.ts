// ANSI SGR colour codes to styled segments, one log line at a time (as GitHub's log viewer
// renders them: each line starts plain). Every other escape sequence is dropped, never shown raw.

export interface Segment {
  text: string;
  /** CSS classes: ansi-bold, ansi-fg-<0..15>, ansi-bg-<0..15>, ... */
  classes: string[];
  /** Inline colours for 256-colour and 24-bit codes, which no class can name. */
  style: Record<string, string>;
}

interface Pen {
  bold: boolean;
  italic: boolean;
  underline: boolean;
  fg: number | string | null; // 0..15 for a class, "rgb(...)" for inline
  bg: number | string | null;
}

const PLAIN: Pen = { bold: false, italic: false, underline: false, fg: null, bg: null };

// CSI (ESC [ params final) and OSC (ESC ] ... BEL or ESC \) sequences, plus lone two-byte escapes.
const ESCAPE = /\x1b\[([0-9;:]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]/g;

export function parseAnsi(line: string): Segment[] {
  const segments: Segment[] = [];
  let pen: Pen = { ...PLAIN };
  let last = 0;
  for (const match of line.matchAll(ESCAPE)) {
    push(segments, line.slice(last, match.index), pen);
    last = match.index + match[0].length;
    if (match[2] === "m") {
      pen = applySgr(pen, match[1] ?? "");
    }
  }
  push(segments, line.slice(last), pen);
  return segments;
}

/** The line's text without any escape sequence: what search matches. */
export function stripAnsi(line: string): string {
  return line.replace(ESCAPE, "");
}

function push(segments: Segment[], text: string, pen: Pen): void {
  if (text === "") {
    return;
  }
  const classes: string[] = [];
  const style: Record<string, string> = {};
  if (pen.bold) classes.push("ansi-bold");
  if (pen.italic) classes.push("ansi-italic");
  if (pen.underline) classes.push("ansi-underline");
  colour(pen.fg, "fg", "color", classes, style);
  colour(pen.bg, "bg", "background-color", classes, style);
  segments.push({ text, classes, style });
}

function colour(
  value: number | string | null,
  kind: "fg" | "bg",
  property: string,
  classes: string[],
  style: Record<string, string>,
): void {
  if (typeof value === "number") {
    classes.push(`ansi-${kind}-${value}`);
  } else if (typeof value === "string") {
    style[property] = value;
  }
}

function applySgr(current: Pen, params: string): Pen {
  const pen = { ...current };
  const codes = params === "" ? [0] : params.split(/[;:]/).map((p) => (p === "" ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) Object.assign(pen, PLAIN);
    else if (code === 1) pen.bold = true;
    else if (code === 3) pen.italic = true;
    else if (code === 4) pen.underline = true;
    else if (code === 22) pen.bold = false;
    else if (code === 23) pen.italic = false;
    else if (code === 24) pen.underline = false;
    else if (code >= 30 && code <= 37) pen.fg = code - 30;
    else if (code >= 90 && code <= 97) pen.fg = code - 90 + 8;
    else if (code === 39) pen.fg = null;
    else if (code >= 40 && code <= 47) pen.bg = code - 40;
    else if (code >= 100 && code <= 107) pen.bg = code - 100 + 8;
    else if (code === 49) pen.bg = null;
    else if (code === 38 || code === 48) {
      const [value, used] = extended(codes, i + 1);
      if (code === 38) pen.fg = value;
      else pen.bg = value;
      i += used;
    }
  }
  return pen;
}

/** `5;n` (256 colours) or `2;r;g;b` after 38/48: the colour and how many codes it took. */
function extended(codes: number[], at: number): [number | string | null, number] {
  const mode = codes[at];
  if (mode === 5) {
    const n = codes[at + 1];
    if (n === undefined || n < 0 || n > 255) return [null, 2];
    return [n < 16 ? n : palette256(n), 2];
  }
  if (mode === 2) {
    const [r, g, b] = [codes[at + 1], codes[at + 2], codes[at + 3]];
    if (r === undefined || g === undefined || b === undefined) return [null, 4];
    return [`rgb(${r}, ${g}, ${b})`, 4];
  }
  return [null, 0];
}

/** xterm's 256-colour palette beyond the 16 named colours: a 6×6×6 cube, then 24 greys. */
export function palette256(n: number): string {
  if (n >= 232) {
    const level = 8 + (n - 232) * 10;
    return `rgb(${level}, ${level}, ${level})`;
  }
  const index = n - 16;
  const steps = [0, 95, 135, 175, 215, 255];
  const r = steps[Math.floor(index / 36)] ?? 0;
  const g = steps[Math.floor(index / 6) % 6] ?? 0;
  const b = steps[index % 6] ?? 0;
  return `rgb(${r}, ${g}, ${b})`;
}
