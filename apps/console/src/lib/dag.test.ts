import { describe, expect, it } from "vitest";
import { layout, workflowJobId } from "./dag";

const job = (key: string, needs: string[] = [], matrix: Record<string, string> = {}) => ({ key, needs, matrix });

describe("layout", () => {
  it("places each job one level after the deepest job it needs", () => {
    const dag = layout([job("final", ["left", "right"]), job("left", ["setup"]), job("right", ["setup"]), job("setup"), job("late", ["final", "setup"])]);
    expect(dag.levels.map((l) => l.map((n) => n.id).sort())).toEqual([["setup"], ["left", "right"], ["final"], ["late"]]);
    expect(dag.edges).toContainEqual({ from: "setup", to: "left" });
    expect(dag.edges).toContainEqual({ from: "final", to: "late" });
    expect(dag.edges).toHaveLength(6);
  });

  it("groups matrix instances under their workflow job", () => {
    const dag = layout([job("build"), job("test.1", ["build"], { os: "a" }), job("test.2", ["build"], { os: "b" }), job("deploy", ["test"])]);
    expect(dag.levels[1]?.map((n) => [n.id, n.jobs.map((j) => j.key)])).toEqual([["test", ["test.1", "test.2"]]]);
    expect(dag.levels[2]?.[0]?.id).toBe("deploy");
    expect(dag.edges).toEqual(expect.arrayContaining([{ from: "build", to: "test" }, { from: "test", to: "deploy" }]));
  });

  it("keeps a key ending in digits whole when the job has no matrix", () => {
    expect(workflowJobId(job("step.2"))).toBe("step.2");
    expect(workflowJobId(job("step.2", [], { n: "1" }))).toBe("step");
  });

  it("ignores needs of jobs the build does not list", () => {
    expect(layout([job("a", ["gone"])]).levels.map((l) => l.map((n) => n.id))).toEqual([["a"]]);
  });
});
