import { describe, expect, it } from "vitest";
import { branch, duration } from "./format";

describe("duration", () => {
  const start = "2026-12-07T10:00:00Z";
  it("shows tenths under ten seconds, then minutes and hours", () => {
    expect(duration(start, "2026-12-07T10:00:04.25Z", 0)).toBe("4.3s");
    expect(duration(start, "2026-12-07T10:03:05Z", 0)).toBe("3m 05s");
    expect(duration(start, "2026-12-07T11:02:59Z", 0)).toBe("1h 02m");
  });
  it("runs to now without an end and is empty without a start", () => {
    expect(duration(start, undefined, Date.parse("2026-12-07T10:00:12Z"))).toBe("0m 12s");
    expect(duration(undefined, undefined, 0)).toBe("");
  });
});

describe("branch", () => {
  it("drops refs/heads/ only", () => {
    expect(branch("refs/heads/main")).toBe("main");
    expect(branch("refs/tags/v1")).toBe("refs/tags/v1");
  });
});
