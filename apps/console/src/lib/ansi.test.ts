import { describe, expect, it } from "vitest";
import { palette256, parseAnsi, stripAnsi } from "./ansi";

describe("parseAnsi", () => {
  it("keeps plain text as one unstyled segment", () => {
    expect(parseAnsi("hello")).toEqual([{ text: "hello", classes: [], style: {} }]);
  });

  it("colours and resets with SGR codes", () => {
    const segments = parseAnsi("\x1b[1;31merror\x1b[0m: done");
    expect(segments).toEqual([
      { text: "error", classes: ["ansi-bold", "ansi-fg-1"], style: {} },
      { text: ": done", classes: [], style: {} },
    ]);
  });

  it("maps bright colours after the eight basic ones", () => {
    expect(parseAnsi("\x1b[92mok\x1b[39m")[0]?.classes).toEqual(["ansi-fg-10"]);
    expect(parseAnsi("\x1b[104mbg")[0]?.classes).toEqual(["ansi-bg-12"]);
  });

  it("renders 256-colour and 24-bit codes inline", () => {
    expect(parseAnsi("\x1b[38;5;196mx")[0]?.style).toEqual({ color: "rgb(255, 0, 0)" });
    expect(parseAnsi("\x1b[48;2;1;2;3mx")[0]?.style).toEqual({ "background-color": "rgb(1, 2, 3)" });
    // A low 256-colour index is one of the 16 named colours.
    expect(parseAnsi("\x1b[38;5;2mx")[0]?.classes).toEqual(["ansi-fg-2"]);
  });

  it("drops escapes that are not colours instead of printing them", () => {
    expect(parseAnsi("\x1b[2K\x1b]0;title\x07text")).toEqual([{ text: "text", classes: [], style: {} }]);
    expect(stripAnsi("\x1b[31mred\x1b[0m plain")).toBe("red plain");
  });

  it("turns attributes off one by one", () => {
    const segments = parseAnsi("\x1b[1;4ma\x1b[22mb\x1b[24mc");
    expect(segments.map((s) => s.classes)).toEqual([["ansi-bold", "ansi-underline"], ["ansi-underline"], []]);
  });
});

describe("palette256", () => {
  it("follows xterm's cube and grey ramp", () => {
    expect(palette256(16)).toBe("rgb(0, 0, 0)");
    expect(palette256(231)).toBe("rgb(255, 255, 255)");
    expect(palette256(232)).toBe("rgb(8, 8, 8)");
    expect(palette256(67)).toBe("rgb(95, 135, 175)");
  });
});
