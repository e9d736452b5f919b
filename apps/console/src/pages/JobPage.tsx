import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { Alert, Link, StatusBadge } from "../App";
import type { Build, Job, LogChunk, Step, SubStep } from "../api";
import { parseAnsi, stripAnsi } from "../lib/ansi";
import { duration } from "../lib/format";
import { commandLevel, LineBuffer, searchLines, visibleLines, type LogLine } from "../lib/logLines";
import { useEventStream, useNow } from "../live";
import { paths, useLocation } from "../router";
import { BuildHeader, isFinished } from "./BuildHeader";

/** A line anchor: #L<step>-<line>, lines numbered from 1 within each step. */
const anchor = (step: number, line: number): string => `L${step}-${line}`;

function parseAnchor(hash: string): { step: number; line: number } | null {
  const m = /^#L(\d+)-(\d+)$/.exec(hash);
  return m ? { step: Number(m[1]), line: Number(m[2]) } : null;
}

/** One job: its steps with their annotations and live logs (resumed after the last cursor seen). */
export function JobPage(props: { id: string; jobKey: string }): JSX.Element {
  const location = useLocation();
  const [build, setBuild] = useState<Build | null>(null);
  const [, setVersion] = useState(0);
  const logs = useRef(new Map<number, LineBuffer>());
  const cursor = useRef("");
  const [ended, setEnded] = useState(false);
  const [query, setQuery] = useState("");
  const [current, setCurrent] = useState(0);
  const [closedSteps, setClosedSteps] = useState<ReadonlySet<number>>(new Set());
  const [openGroups, setOpenGroups] = useState<ReadonlySet<string>>(new Set());
  const key = `${props.id}/${props.jobKey}`;
  // Bumped when a cancel or re-run answered: the stream reconnects after its cursor, as the log of
  // a re-run job goes on after its earlier attempt's.
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    logs.current = new Map();
    cursor.current = "";
    setEnded(false);
  }, [key]);

  const error = useEventStream(
    () =>
      `/api/builds/${encodeURIComponent(props.id)}/events?job=${encodeURIComponent(props.jobKey)}` +
      (cursor.current ? `&cursor=${cursor.current}` : ""),
    (e) => {
      if (e.event === "build") setBuild(JSON.parse(e.data) as Build);
      else if (e.event === "log") {
        const chunks = (JSON.parse(e.data) as { chunks: LogChunk[] }).chunks;
        for (const chunk of chunks) {
          let buffer = logs.current.get(chunk.stepNumber);
          if (!buffer) logs.current.set(chunk.stepNumber, (buffer = new LineBuffer()));
          buffer.append(chunk.content);
        }
        if (e.id) cursor.current = e.id;
        setVersion((v) => v + 1);
      } else if (e.event === "end") {
        logs.current.forEach((b) => b.flush());
        setEnded(true);
      }
    },
    `${key}#${generation}`,
  );

  const job = build?.jobs.find((j) => j.key === props.jobKey);
  const now = useNow(build !== null && !isFinished(build));
  const steps = job ? stepsWithLogs(job, logs.current) : [];
  const matches = steps.flatMap((s) =>
    searchLines(logs.current.get(s.number)?.all() ?? [], query, (l) => stripAnsi(l.text)).map((line) => ({ step: s.number, line })),
  );
  const match = matches.length > 0 ? matches[current % matches.length] : undefined;
  const linked = parseAnchor(location.hash);
  const focus = match ?? linked;

  useEffect(() => {
    if (!focus) return;
    document.getElementById(anchor(focus.step, focus.line))?.scrollIntoView({ block: "center" });
  }, [focus?.step, focus?.line, steps.length]);

  const toggle = <T,>(set: ReadonlySet<T>, value: T): Set<T> => {
    const next = new Set(set);
    if (!next.delete(value)) next.add(value);
    return next;
  };

  return (
    <section>
      <p>
        <Link href={paths.builds()}>Builds</Link> / <Link href={paths.build(props.id)}>{build ? `${build.pipelineId} #${build.number}` : "build"}</Link>
      </p>
      <Alert message={error} />
      {build && (
        <BuildHeader
          build={build}
          now={now}
          onChange={(b) => {
            setBuild(b);
            setEnded(false);
            setGeneration((g) => g + 1);
          }}
        />
      )}
      {build && !job && <p class="error">This build has no job {props.jobKey}.</p>}
      {job && (
        <>
          <h2>
            {job.name || job.key} <StatusBadge status={job.status} /> <span class="meta">{duration(job.startTime, job.finishTime, now)}</span>
          </h2>
          {job.attempt > 1 && <p class="meta">Attempt {job.attempt}</p>}
          {job.errorMessage && <p class="error">{job.errorMessage}</p>}
          <form
            class="search"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              setCurrent((c) => c + 1);
            }}
          >
            <label for="log-search">Search the log</label>
            <input id="log-search" type="search" value={query} onInput={(e) => (setQuery(e.currentTarget.value), setCurrent(0))} />
            <button type="button" disabled={matches.length === 0} onClick={() => setCurrent((c) => c + matches.length - 1)}>
              Previous
            </button>
            <button type="submit" disabled={matches.length === 0}>
              Next
            </button>
            <span aria-live="polite">{query.trim() ? `${matches.length === 0 ? 0 : (current % matches.length) + 1} of ${matches.length}` : ""}</span>
          </form>
          {steps.map((step) => (
            <StepLog
              step={step}
              lines={logs.current.get(step.number)?.all() ?? []}
              now={now}
              open={!closedSteps.has(step.number)}
              onToggle={() => setClosedSteps((s) => toggle(s, step.number))}
              openGroups={openGroups}
              onToggleGroup={(group) => setOpenGroups((g) => toggle(g, `${step.number}:${group}`))}
              focus={focus && focus.step === step.number ? focus.line : null}
              matches={new Set(matches.filter((m) => m.step === step.number).map((m) => m.line))}
            />
          ))}
          {ended && <p class="meta">End of log.</p>}
        </>
      )}
    </section>
  );
}

/** The job's steps, with a "Job" section first when lines were logged outside any step. */
function stepsWithLogs(job: Job, logs: Map<number, LineBuffer>): Step[] {
  const own = logs.get(0);
  if (!own || own.all().length === 0 || job.steps.some((s) => s.number === 0)) return job.steps;
  const jobLines: Step = { number: 0, name: "Job", status: job.status, errorMessage: "", attempt: job.attempt, annotations: [] };
  return [jobLines, ...job.steps];
}

function StepLog(props: {
  step: Step;
  lines: readonly LogLine[];
  now: number;
  open: boolean;
  onToggle: () => void;
  openGroups: ReadonlySet<string>;
  onToggleGroup: (group: number) => void;
  focus: number | null;
  matches: ReadonlySet<number>;
}): JSX.Element {
  const { step } = props;
  const expanded = new Set([...props.openGroups].filter((g) => g.startsWith(`${step.number}:`)).map((g) => Number(g.split(":")[1])));
  const shown = visibleLines(props.lines, expanded, props.focus);
  return (
    <section class="step" data-step={step.number}>
      <h3>
        <button type="button" class="step-toggle" aria-expanded={props.open} onClick={props.onToggle}>
          <span aria-hidden="true">{props.open ? "▾" : "▸"}</span> {step.name || `Step ${step.number}`}
        </button>{" "}
        <StatusBadge status={step.status} /> <span class="meta">{duration(step.startTime, step.finishTime, props.now)}</span>
        {step.exitCode !== undefined && step.exitCode !== 0 && <span class="meta"> exit code {step.exitCode}</span>}
      </h3>
      {step.errorMessage && <p class="error">{step.errorMessage}</p>}
      {step.annotations.length > 0 && (
        <ul class="annotations">
          {step.annotations.map((a) => (
            <li class={`annotation ${a.level.replace("LEVEL_", "").toLowerCase()}`}>
              <strong>{a.level.replace("LEVEL_", "").toLowerCase()}</strong>
              {a.title ? ` ${a.title}:` : ""} {a.message}
              {a.file && (
                <span class="meta">
                  {" "}
                  {a.file}
                  {a.line !== undefined ? `:${a.line}` : ""}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {step.subSteps && step.subSteps.length > 0 && <SubSteps steps={step.subSteps} label={step.name || `step ${step.number}`} />}
      {props.open && (
        <ol class="log" aria-label={`Log of ${step.name || `step ${step.number}`}`}>
          {shown.map((line) => (
            <Line
              step={step.number}
              line={line}
              focused={props.focus === line.number}
              match={props.matches.has(line.number)}
              groupOpen={line.opens ? expanded.has(line.number) : null}
              onToggleGroup={() => props.onToggleGroup(line.number)}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

/** A composite action's inner steps under their caller, an action's own nested one level deeper. */
function SubSteps(props: { steps: readonly SubStep[]; label: string }): JSX.Element {
  return (
    <ol class="sub-steps" aria-label={`Steps inside ${props.label}`}>
      {props.steps.map((s) => (
        <li>
          <span class="meta">{s.number}</span> {s.name} <StatusBadge status={s.status} />
          {s.steps && s.steps.length > 0 && <SubSteps steps={s.steps} label={s.name} />}
        </li>
      ))}
    </ol>
  );
}

function Line(props: {
  step: number;
  line: LogLine;
  focused: boolean;
  match: boolean;
  groupOpen: boolean | null;
  onToggleGroup: () => void;
}): JSX.Element {
  const id = anchor(props.step, props.line.number);
  const command = commandLevel(props.line.text);
  const text = parseAnsi(command ? command.text : props.line.text).map((s) => (
    <span class={s.classes.join(" ") || undefined} style={s.style}>
      {s.text}
    </span>
  ));
  const classes = ["line", command ? `level-${command.level}` : "", props.focused ? "focused" : "", props.match ? "match" : "", props.line.group !== null ? "grouped" : ""];
  return (
    <li id={id} class={classes.filter(Boolean).join(" ")}>
      <a class="ln" href={`#${id}`} aria-label={`Line ${props.line.number}`}>
        {props.line.number}
      </a>
      {props.groupOpen !== null ? (
        <button type="button" class="group-toggle" aria-expanded={props.groupOpen} onClick={props.onToggleGroup}>
          <span aria-hidden="true">{props.groupOpen ? "▾" : "▸"}</span> {text}
        </button>
      ) : (
        <span class="text">
          {command && command.level !== "debug" && <strong>{`${command.level[0]?.toUpperCase()}${command.level.slice(1)}: `}</strong>}
          {text}
        </span>
      )}
    </li>
  );
}
