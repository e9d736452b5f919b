import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { Alert, Link, StatusBadge } from "../App";
import type { BuildPage } from "../api";
import { branch, duration, when } from "../lib/format";
import { useEventStream, useNow } from "../live";
import { navigate, paths } from "../router";

const STATUSES = ["", "pending", "queued", "running", "succeeded", "failed", "cancelled"];

/** Builds, newest first, live: the server pushes the page again whenever it changes. */
export function BuildList(props: { search: string }): JSX.Element {
  const query = new URLSearchParams(props.search);
  const [page, setPage] = useState<BuildPage | null>(null);
  const error = useEventStream(
    () => `/api/builds/events?${query.toString()}`,
    (e) => {
      if (e.event === "builds") setPage(JSON.parse(e.data) as BuildPage);
    },
    props.search,
  );
  const now = useNow(page?.builds.some((b) => !b.finishTime) ?? false);
  const go = (changes: Record<string, string>): void => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    navigate(paths.builds(next.toString()));
  };
  const filter = (e: Event): void => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    go({
      pipeline: String(form.get("pipeline") ?? ""),
      status: String(form.get("status") ?? ""),
      branch: String(form.get("branch") ?? ""),
      page_token: "",
    });
  };
  return (
    <section>
      <h1>Builds</h1>
      <form class="filters" onSubmit={filter} key={props.search}>
        <label>
          Pipeline <input name="pipeline" defaultValue={query.get("pipeline") ?? ""} />
        </label>
        <label>
          Status{" "}
          <select name="status" defaultValue={query.get("status") ?? ""}>
            {STATUSES.map((s) => (
              <option value={s}>{s || "any"}</option>
            ))}
          </select>
        </label>
        <label>
          Branch <input name="branch" defaultValue={query.get("branch") ?? ""} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <Alert message={error} />
      {page === null ? (
        <p>Loading…</p>
      ) : page.builds.length === 0 ? (
        <p>No builds.</p>
      ) : (
        <table class="builds">
          <thead>
            <tr>
              <th scope="col">Build</th>
              <th scope="col">Pipeline</th>
              <th scope="col">Status</th>
              <th scope="col">Branch</th>
              <th scope="col">Created</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {page.builds.map((b) => (
              <tr key={b.id} data-build={b.id}>
                <td>
                  <Link href={paths.build(b.id)}>{`#${b.number}`}</Link>
                </td>
                <td>{b.pipelineId}</td>
                <td>
                  <StatusBadge status={b.status} />
                </td>
                <td>{branch(b.repository?.ref)}</td>
                <td>{when(b.createTime)}</td>
                <td>{duration(b.startTime, b.finishTime, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages">
        {query.get("page_token") && (
          <button type="button" onClick={() => go({ page_token: "" })}>
            Newest
          </button>
        )}
        {page?.nextPageToken && (
          <button type="button" onClick={() => go({ page_token: page.nextPageToken })}>
            Older
          </button>
        )}
      </nav>
    </section>
  );
}
