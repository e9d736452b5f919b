import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { StatusBadge } from "../App";
import { cancelBuild, rerunBuild, type Build } from "../api";
import { branch, duration } from "../lib/format";

const TERMINAL = new Set(["BUILD_STATUS_SUCCEEDED", "BUILD_STATUS_FAILED", "BUILD_STATUS_CANCELLED"]);

export function isFinished(build: Build): boolean {
  return TERMINAL.has(build.status);
}

/**
 * The build's title line, its state, and what a submit token may do with it: cancel it while it
 * runs, re-run it (all jobs, or the failed ones) once it finished. `onChange` gets the build as the
 * request left it: a re-run build runs again, and the page follows it anew.
 */
export function BuildHeader(props: { build: Build; now: number; onChange: (build: Build) => void }): JSX.Element {
  const { build } = props;
  const [error, setError] = useState<string | null>(null);
  const [asked, setAsked] = useState<string | null>(null);
  // A request answered stays asked until the build it changed comes back live: no second click.
  useEffect(() => setAsked(null), [build.status, build.runAttempt, build.cancelRequested]);
  const act = async (what: string, call: () => Promise<{ build: Build }>): Promise<void> => {
    setAsked(what);
    try {
      props.onChange((await call()).build);
      setError(null);
    } catch (e) {
      setAsked(null);
      setError(`${what} refused: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const finished = isFinished(build);
  return (
    <div class="build-header">
      <h1>
        {build.pipelineId} #{build.number} <StatusBadge status={build.status} />
      </h1>
      <p class="meta">
        {build.workflowPath}
        {build.runAttempt > 1 ? ` · attempt ${build.runAttempt}` : ""}
        {build.repository?.ref ? ` · ${branch(build.repository.ref)}` : ""}
        {build.repository?.sha ? ` · ${build.repository.sha.slice(0, 12)}` : ""}
        {build.startTime ? ` · ${duration(build.startTime, build.finishTime, props.now)}` : ""}
      </p>
      {build.errorMessage && <p class="error">{build.errorMessage}</p>}
      {!finished && (
        <button
          type="button"
          class="danger"
          onClick={() => act("Cancel", () => cancelBuild(build.id))}
          disabled={asked !== null || build.cancelRequested}
        >
          {build.cancelRequested ? "Cancelling…" : "Cancel build"}
        </button>
      )}
      {finished && build.status !== "BUILD_STATUS_SUCCEEDED" && (
        <button type="button" onClick={() => act("Re-run", () => rerunBuild(build.id, true))} disabled={asked !== null}>
          Re-run failed jobs
        </button>
      )}
      {finished && (
        <button type="button" onClick={() => act("Re-run", () => rerunBuild(build.id, false))} disabled={asked !== null}>
          Re-run all jobs
        </button>
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </div>
  );
}
