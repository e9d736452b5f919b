// The build page's DAG: jobs grouped by workflow job (matrix instances together), placed in
// levels so that every job sits to the right of everything it needs.

export interface DagJob {
  key: string;
  needs: string[];
  matrix: Record<string, string>;
}

export interface DagNode<J extends DagJob> {
  /** The workflow job id: the key without a matrix instance's `.n` suffix. */
  id: string;
  jobs: J[];
  level: number;
}

export interface Dag<J extends DagJob> {
  levels: DagNode<J>[][];
  edges: { from: string; to: string }[];
}

/** A matrix instance's key is `<job id>.<n>` (Planner.java); other keys are the job id. */
export function workflowJobId(job: DagJob): string {
  return Object.keys(job.matrix).length > 0 ? job.key.replace(/\.\d+$/, "") : job.key;
}

export function layout<J extends DagJob>(jobs: readonly J[]): Dag<J> {
  const nodes = new Map<string, DagNode<J>>();
  for (const job of jobs) {
    const id = workflowJobId(job);
    const node = nodes.get(id) ?? { id, jobs: [], level: 0 };
    node.jobs.push(job);
    nodes.set(id, node);
  }
  const needs = new Map<string, string[]>();
  for (const node of nodes.values()) {
    const all = new Set(node.jobs.flatMap((j) => j.needs).filter((n) => nodes.has(n)));
    needs.set(node.id, [...all]);
  }
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle is refused at admission; never loop on one here
    visiting.add(id);
    const d = Math.max(-1, ...(needs.get(id) ?? []).map(depth)) + 1;
    visiting.delete(id);
    level.set(id, d);
    return d;
  };
  const levels: DagNode<J>[][] = [];
  for (const node of nodes.values()) {
    node.level = depth(node.id);
    (levels[node.level] ??= []).push(node);
  }
  const edges = [...needs].flatMap(([to, from]) => from.map((f) => ({ from: f, to })));
  return { levels: levels.map((l) => l ?? []), edges };
}
