// The entry API's console routes (/api/...), with the API token from sessionStorage as a bearer
// token, exactly as the gRPC API takes it. JSON is protobuf's JSON mapping of ci.v1 messages.
import { SseParser, type SseEvent } from "./lib/sse";

export type BuildStatus = "PENDING" | "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

export interface Annotation {
  level: string;
  message: string;
  file: string;
  line?: number;
  title: string;
}

export interface Step {
  number: number;
  name: string;
  status: string;
  exitCode?: number;
  errorMessage: string;
  startTime?: string;
  finishTime?: string;
  attempt: number;
  annotations: Annotation[];
  /** The inner steps of the composite action the step ran (absent when none). */
  subSteps?: SubStep[];
}

export interface SubStep {
  number: number;
  name: string;
  status: string;
  steps?: SubStep[];
}

export interface Job {
  id: string;
  key: string;
  name: string;
  matrix: Record<string, string>;
  needs: string[];
  status: string;
  errorMessage: string;
  startTime?: string;
  finishTime?: string;
  steps: Step[];
  attempt: number;
}

export interface Build {
  id: string;
  pipelineId: string;
  number: string;
  status: string;
  errorMessage: string;
  repository?: { url: string; ref: string; sha: string };
  workflowPath: string;
  createTime?: string;
  startTime?: string;
  finishTime?: string;
  jobs: Job[];
  cancelRequested: boolean;
  /** 1, then one more per re-run of the finished build. */
  runAttempt: number;
}

export interface BuildPage {
  builds: Build[];
  nextPageToken: string;
}

export interface LogChunk {
  jobKey: string;
  stepNumber: number;
  content: string;
  cursor: string;
}

const TOKEN_KEY = "pipewright.token";

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** A refused or failed call, with the server's reason. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** "BUILD_STATUS_RUNNING" → "RUNNING": the enum's own name without its type prefix. */
export function shortStatus(status: string): string {
  return status.replace(/^(BUILD|JOB|STEP)_STATUS_/, "");
}

function headers(): HeadersInit {
  const t = token.get();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

async function failure(response: Response): Promise<ApiError> {
  const text = await response.text();
  let message = text.trim();
  try {
    message = (JSON.parse(text) as { error?: string }).error ?? message;
  } catch {
    // plain-text refusals (401/403 from the guard) are shown as they are
  }
  return new ApiError(response.status, message || response.statusText);
}

export async function getJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, { ...init, headers: { ...headers(), ...init.headers } });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

export function cancelBuild(id: string): Promise<{ build: Build }> {
  return getJson(`/api/builds/${encodeURIComponent(id)}/cancel`, { method: "POST" });
}

/** Runs the finished build again: every job, or only the failed ones and what needs them. */
export function rerunBuild(id: string, failedOnly: boolean): Promise<{ build: Build; jobKeys: string[] }> {
  return getJson(`/api/builds/${encodeURIComponent(id)}/rerun?failed_only=${failedOnly}`, { method: "POST" });
}

/**
 * Follows an event stream until `signal` aborts it or the server ends it (resolves), calling
 * `onEvent` for each event; rejects with an ApiError when refused.
 */
export async function stream(
  path: string,
  onEvent: (event: SseEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(path, { headers: { ...headers(), Accept: "text/event-stream" }, signal });
  if (!response.ok || !response.body) throw await failure(response);
  const parser = new SseParser();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.push(value).forEach(onEvent);
  }
}
