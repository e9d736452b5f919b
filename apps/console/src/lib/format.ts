// Times as people read them.

/** "1h 02m", "3m 05s", "4.2s": how long from start to end (or to now while running). */
export function duration(start: string | undefined, end: string | undefined, now: number): string {
  if (!start) return "";
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now;
  const ms = Math.max(0, to - from);
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, "0");
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
}

/** A timestamp in the viewer's time zone, to the second. */
export function when(time: string | undefined): string {
  if (!time) return "";
  return new Date(time).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
}

/** refs/heads/main → main; other refs unchanged. */
export function branch(ref: string | undefined): string {
  return (ref ?? "").replace(/^refs\/heads\//, "");
}
