import type { JSX } from "preact";
import { token } from "./api";
import { BuildList } from "./pages/BuildList";
import { BuildPage } from "./pages/BuildPage";
import { JobPage } from "./pages/JobPage";
import { Login } from "./pages/Login";
import { navigate, paths, route, useLocation } from "./router";

export function App(): JSX.Element {
  const location = useLocation();
  const current = route(location.pathname);
  const signedIn = token.get() !== null;
  const page =
    !signedIn || current.page === "login" ? (
      <Login />
    ) : current.page === "build" ? (
      <BuildPage id={current.id} />
    ) : current.page === "job" ? (
      <JobPage id={current.id} jobKey={current.job} />
    ) : (
      <BuildList search={location.search} />
    );
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href={paths.builds()} class="brand">
          Pipewright
        </Link>
        {signedIn && (
          <button
            type="button"
            onClick={() => {
              token.clear();
              navigate(paths.login());
            }}
          >
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

/** A link that navigates inside the app; a modified click (new tab) stays the browser's. */
export function Link(props: { href: string; class?: string; children: JSX.Element | string | (JSX.Element | string)[] }): JSX.Element {
  return (
    <a
      href={props.href}
      class={props.class}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

export function StatusBadge(props: { status: string }): JSX.Element {
  const status = props.status.replace(/^(BUILD|JOB|STEP)_STATUS_/, "").toLowerCase();
  return <span class={`badge status-${status}`}>{status}</span>;
}

/** A failure the page reports (a refused or dropped stream, a refused action); nothing when null. */
export function Alert(props: { message: string | null }): JSX.Element | null {
  return props.message === null ? null : (
    <p role="alert" class="error">
      {props.message}
    </p>
  );
}
