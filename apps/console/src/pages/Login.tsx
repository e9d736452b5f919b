import { Alert } from "../App";
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ApiError, getJson, token } from "../api";
import { navigate, paths } from "../router";

/** Takes an API token (pipewright token create), checks it with one read, keeps it for the tab. */
export function Login(): JSX.Element {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    token.set(value.trim());
    try {
      await getJson("/api/builds?page_size=1");
      navigate(paths.builds());
    } catch (failure) {
      token.clear();
      setError(failure instanceof ApiError ? `${failure.status}: ${failure.message}` : String(failure));
    }
  };
  return (
    <form class="login" onSubmit={submit}>
      <h1>Sign in</h1>
      <p>
        Paste an API token with at least the <code>read</code> role (<code>pipewright token create --name me --role read</code>). It is kept in
        this tab only.
      </p>
      <label for="token">API token</label>
      <input id="token" type="password" autocomplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} required />
      <Alert message={error} />
      <button type="submit">Sign in</button>
    </form>
  );
}
