// One live connection per page: opened on mount, reopened after a dropped connection (asking for
// what came after the last event it saw), closed on unmount.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, stream, token } from "./api";
import type { SseEvent } from "./lib/sse";
import { navigate, paths } from "./router";

const RETRY_MS = 2000;

/**
 * @param path the stream's URL, built again at each (re)connection so it can carry a cursor
 * @param key reconnects from scratch when it changes (another build, other filters)
 * @returns the last error, cleared when a connection succeeds
 */
export function useEventStream(path: () => string, onEvent: (e: SseEvent) => void, key: string): string | null {
  const [error, setError] = useState<string | null>(null);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const makePath = useRef(path);
  makePath.current = path;
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = (): void => {
      stream(
        makePath.current(),
        (e) => {
          setError(null);
          handler.current(e);
        },
        abort.signal,
      )
        .then(() => {
          // The server ended the stream: what it followed is finished.
        })
        .catch((e: unknown) => {
          if (abort.signal.aborted) return;
          if (e instanceof ApiError && e.status === 401) {
            token.clear();
            navigate(paths.login());
            return;
          }
          setError(e instanceof Error ? e.message : String(e));
          if (!(e instanceof ApiError) || e.status >= 500) timer = setTimeout(connect, RETRY_MS);
        });
    };
    connect();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [key]);
  return error;
}

/** The time now, ticking every second while `running`: the durations of what still runs. */
export function useNow(running: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}
