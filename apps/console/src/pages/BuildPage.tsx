import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { Alert, Link, StatusBadge } from "../App";
import type { Build, Job } from "../api";
import { layout } from "../lib/dag";
import { duration } from "../lib/format";
import { useEventStream, useNow } from "../live";
import { paths } from "../router";
import { BuildHeader, isFinished } from "./BuildHeader";

const COLUMN = 260;
const NODE_WIDTH = 210;
const ROW = 34;
const TITLE = 30;
const GAP = 24;

/** A build with its jobs as a DAG by levels (needs edges; a matrix's instances in one box). */
export function BuildPage(props: { id: string }): JSX.Element {
  const [build, setBuild] = useState<Build | null>(null);
  // Bumped when a cancel or re-run answered: a finished build's stream has ended, a re-run's starts.
  const [generation, setGeneration] = useState(0);
  const error = useEventStream(
    () => `/api/builds/${encodeURIComponent(props.id)}/events`,
    (e) => {
      if (e.event === "build") setBuild(JSON.parse(e.data) as Build);
    },
    `${props.id}#${generation}`,
  );
  const now = useNow(build !== null && !isFinished(build));
  return (
    <section>
      <p>
        <Link href={paths.builds()}>← Builds</Link>
      </p>
      <Alert message={error} />
      {build === null ? (
        <p>Loading…</p>
      ) : (
        <>
          <BuildHeader
            build={build}
            now={now}
            onChange={(b) => {
              setBuild(b);
              setGeneration((g) => g + 1);
            }}
          />
          <h2>Jobs</h2>
          <Graph build={build} now={now} />
        </>
      )}
    </section>
  );
}

function Graph(props: { build: Build; now: number }): JSX.Element {
  const dag = layout(props.build.jobs);
  const boxes = new Map<string, { x: number; y: number; height: number }>();
  dag.levels.forEach((level, column) => {
    let y = 0;
    for (const node of level) {
      const height = TITLE + node.jobs.length * ROW;
      boxes.set(node.id, { x: column * COLUMN, y, height });
      y += height + GAP;
    }
  });
  const width = Math.max(1, dag.levels.length) * COLUMN;
  const height = Math.max(...[...boxes.values()].map((b) => b.y + b.height), 1);
  return (
    <div class="dag" style={{ width: `${width}px`, height: `${height}px` }} role="list" aria-label="Jobs by dependency level">
      <svg width={width} height={height} aria-hidden="true">
        {dag.edges.map(({ from, to }) => {
          const a = boxes.get(from);
          const b = boxes.get(to);
          if (!a || !b) return null;
          const x1 = a.x + NODE_WIDTH;
          const y1 = a.y + TITLE / 2;
          const x2 = b.x;
          const y2 = b.y + TITLE / 2;
          const mid = (x1 + x2) / 2;
          return <path key={`${from}>${to}`} d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} class="edge" />;
        })}
      </svg>
      {dag.levels.flat().map((node) => {
        const box = boxes.get(node.id);
        if (!box) return null;
        const matrix = node.jobs.length > 1 || Object.keys(node.jobs[0]?.matrix ?? {}).length > 0;
        return (
          <div
            role="listitem"
            class={`node${matrix ? " matrix" : ""}`}
            data-node={node.id}
            style={{ left: `${box.x}px`, top: `${box.y}px`, width: `${NODE_WIDTH}px`, height: `${box.height}px` }}
          >
            <div class="node-title">{matrix ? `${node.id} (${node.jobs.length})` : node.id}</div>
            {node.jobs.map((job) => (
              <JobRow build={props.build} job={job} now={props.now} />
            ))}
          </div>
        );
      })}
    </div>
  );
}

function JobRow(props: { build: Build; job: Job; now: number }): JSX.Element {
  const { job } = props;
  const status = job.status.replace("JOB_STATUS_", "").toLowerCase();
  return (
    <div class={`job status-${status}`} data-job={job.key} data-status={status}>
      <Link href={paths.job(props.build.id, job.key)}>{job.name || job.key}</Link>
      <span class="job-meta">
        <StatusBadge status={job.status} /> {duration(job.startTime, job.finishTime, props.now)}
      </span>
    </div>
  );
}
