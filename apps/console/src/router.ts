// History-API routing under /console/: the entry API answers every /console/ path with the app.
import { useEffect, useState } from "preact/hooks";

export const BASE = "/console";

export type Route =
  | { page: "login" }
  | { page: "builds" }
  | { page: "build"; id: string }
  | { page: "job"; id: string; job: string };

export function route(pathname: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = path.split("/").filter((p) => p !== "").map(decodeURIComponent);
  if (parts[0] === "login") return { page: "login" };
  if (parts[0] === "builds" && parts[1]) {
    if (parts[2] === "jobs" && parts[3]) return { page: "job", id: parts[1], job: parts[3] };
    return { page: "build", id: parts[1] };
  }
  return { page: "builds" };
}

export const paths = {
  builds: (query = ""): string => `${BASE}/${query ? `?${query}` : ""}`,
  build: (id: string): string => `${BASE}/builds/${encodeURIComponent(id)}`,
  job: (id: string, job: string): string => `${BASE}/builds/${encodeURIComponent(id)}/jobs/${encodeURIComponent(job)}`,
  login: (): string => `${BASE}/login`,
};

export function navigate(href: string): void {
  history.pushState(null, "", href);
  dispatchEvent(new PopStateEvent("popstate"));
}

/** The current location, updated on navigation and on back/forward. */
export function useLocation(): Location {
  const [, setTick] = useState(0);
  useEffect(() => {
    const changed = (): void => setTick((t) => t + 1);
    addEventListener("popstate", changed);
    addEventListener("hashchange", changed);
    return () => {
      removeEventListener("popstate", changed);
      removeEventListener("hashchange", changed);
    };
  }, []);
  return location;
}
