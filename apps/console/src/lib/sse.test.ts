import { describe, expect, it } from "vitest";
import { SseParser } from "./sse";

describe("SseParser", () => {
  it("parses named events with ids across pushes", () => {
    const parser = new SseParser();
    expect(parser.push("event: log\nid: 4")).toEqual([]);
    expect(parser.push("2\ndata: {\"a\":1}\n\n")).toEqual([{ event: "log", data: '{"a":1}', id: "42" }]);
  });

  it("joins data lines, ignores comments and defaults the event name", () => {
    const parser = new SseParser();
    expect(parser.push(": ping\n\ndata: a\r\ndata:b\r\n\r\n")).toEqual([{ event: "message", data: "a\nb", id: null }]);
  });

  it("keeps the last id for later events", () => {
    const parser = new SseParser();
    parser.push("id: 7\ndata: x\n\n");
    expect(parser.push("data: y\n\n")[0]?.id).toBe("7");
  });
});
