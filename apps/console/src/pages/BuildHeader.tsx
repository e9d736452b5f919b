import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { StatusBadge } from "../App";
import { cancelBuild, type Build } from "../api";
import { branch, duration } from "../lib/format";

const TERMINAL = new Set(["BUILD_STATUS_SUCCEEDED", "BUILD_STATUS_FAILED", "BUILD_STATUS_CANCELLED"]);

export function isFinished(build: Build): boolean {
  return TERMINAL.has(build.status);
}

/** The build's title line, its state and the cancel button (for a submit token). */
export function BuildHeader(props: { build: Build; now: number }): JSX.Element {
  const { build } = props;
  const [error, setError] = useState<string | null>(null);
  const [asked, setAsked] = useState(false);
  const cancel = async (): Promise<void> => {
    setAsked(true);
    try {
      await cancelBuild(build.id);
      setError(null);
    } catch (e) {
      setAsked(false);
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div class="build-header">
      <h1>
        {build.pipelineId} #{build.number} <StatusBadge status={build.status} />
      </h1>
      <p class="meta">
        {build.workflowPath}
        {build.repository?.ref ? ` · ${branch(build.repository.ref)}` : ""}
        {build.repository?.sha ? ` · ${build.repository.sha.slice(0, 12)}` : ""}
        {build.startTime ? ` · ${duration(build.startTime, build.finishTime, props.now)}` : ""}
      </p>
      {build.errorMessage && <p class="error">{build.errorMessage}</p>}
      {!isFinished(build) && (
        <button type="button" class="danger" onClick={cancel} disabled={asked || build.cancelRequested}>
          {build.cancelRequested ? "Cancelling…" : "Cancel build"}
        </button>
      )}
      {error && (
        <p role="alert" class="error">
          Cancel refused: {error}
        </p>
      )}
    </div>
  );
}
