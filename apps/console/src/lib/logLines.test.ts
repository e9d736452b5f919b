import { describe, expect, it } from "vitest";
import { commandLevel, LineBuffer, searchLines, visibleLines } from "./logLines";

describe("LineBuffer", () => {
  it("joins a line split across chunks and numbers lines from 1", () => {
    const buffer = new LineBuffer();
    expect(buffer.append("one\ntw")).toEqual([{ number: 1, text: "one", group: null, opens: false }]);
    expect(buffer.append("o\r\n").map((l) => l.text)).toEqual(["two"]);
    expect(buffer.append("three").length).toBe(0);
    expect(buffer.flush().map((l) => [l.number, l.text])).toEqual([[3, "three"]]);
  });

  it("puts the lines between ##[group] and ##[endgroup] in the group", () => {
    const buffer = new LineBuffer();
    buffer.append("before\n##[group]Install\nnpm ci\nadded 3\n##[endgroup]\nafter\n");
    expect(buffer.all().map((l) => [l.number, l.text, l.group, l.opens])).toEqual([
      [1, "before", null, false],
      [2, "Install", 2, true],
      [3, "npm ci", 2, false],
      [4, "added 3", 2, false],
      [5, "", 2, false],
      [6, "after", null, false],
    ]);
  });

  it("starts a new group when one opens before the last ended", () => {
    const buffer = new LineBuffer();
    buffer.append("##[group]A\na\n##[group]B\nb\n");
    expect(buffer.all().map((l) => l.group)).toEqual([1, 1, 3, 3]);
  });
});

describe("visibleLines", () => {
  const buffer = new LineBuffer();
  buffer.append("x\n##[group]G\ninside\n##[endgroup]\ny\n");
  const lines = buffer.all();

  it("hides a collapsed group's body but keeps its title", () => {
    expect(visibleLines(lines, new Set(), null).map((l) => l.number)).toEqual([1, 2, 5]);
  });

  it("shows an expanded group", () => {
    expect(visibleLines(lines, new Set([2]), null).map((l) => l.number)).toEqual([1, 2, 3, 4, 5]);
  });

  it("opens the group of the line a link selects", () => {
    expect(visibleLines(lines, new Set(), 3).map((l) => l.number)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("searchLines", () => {
  it("finds lines ignoring case, none for a blank query", () => {
    const buffer = new LineBuffer();
    buffer.append("Alpha\nbeta\nALPHABET\n");
    expect(searchLines(buffer.all(), "alpha", (l) => l.text)).toEqual([1, 3]);
    expect(searchLines(buffer.all(), "  ", (l) => l.text)).toEqual([]);
  });
});

describe("commandLevel", () => {
  it("reads the level of the runner's ##[level] lines and leaves others alone", () => {
    expect(commandLevel("##[error]The operation was canceled.")).toEqual({ level: "error", text: "The operation was canceled." });
    expect(commandLevel("##[warning]")).toEqual({ level: "warning", text: "" });
    expect(commandLevel("say ##[error] later")).toBeNull();
    expect(commandLevel("##[group]x")).toBeNull();
  });
});
