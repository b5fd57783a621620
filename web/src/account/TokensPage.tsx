import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { ApiToken, CreatedApiToken } from "../api/types";
import { useAsync } from "../app/useAsync";
import { ErrorBox } from "../app/ErrorBox";

/** The learner's personal API tokens: for scripts and the CLI (`Authorization: Bearer TOKEN`). */
export function TokensPage() {
  const tokens = useAsync(() => api.tokens(), []);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setCreated(await api.createToken(name.trim()));
      setCopied(false);
      setName("");
      tokens.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(token: ApiToken) {
    if (!window.confirm(`Revoke the token "${token.name}"? Scripts using it stop working at once.`)) return;
    setError(null);
    try {
      await api.revokeToken(token.id);
      if (created?.id === token.id) setCreated(null);
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function copy(secret: string) {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // No clipboard (plain http): select the text for the learner to copy.
      const el = document.getElementById("new-token");
      if (el) window.getSelection()?.selectAllChildren(el);
    }
  }

  return (
    <main className="page narrow">
      <h1>API tokens</h1>
      <p>
        A token lets a script or the command line act as you: send it as <code>Authorization: Bearer TOKEN</code>.
        Keep it secret, give each machine its own, and revoke one you no longer use.
      </p>

      <form className="form" onSubmit={create} aria-describedby={error ? "tokens-error" : undefined}>
        <label>
          Token name <span className="muted">(where you use it, e.g. “laptop”)</span>
          <input type="text" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button className="primary" type="submit" disabled={busy}>{busy ? "Please wait…" : "Create token"}</button>
      </form>
      {error != null && <ErrorBox id="tokens-error" error={error} />}

      {created && (
        <section className="new-token" aria-labelledby="new-token-title">
          <h2 id="new-token-title">Your new token “{created.name}”</h2>
          <p><strong>Copy it now: it is shown only this once.</strong> The server keeps only a fingerprint of it.</p>
          <div className="replay">
            <code id="new-token" className="token">{created.token}</code>
            <button type="button" onClick={() => copy(created.token)} aria-label="Copy the new token">{copied ? "Copied" : "Copy"}</button>
            <button type="button" onClick={() => setCreated(null)}>Done</button>
          </div>
          <pre className="small">curl -H "Authorization: Bearer {created.token}" {location.origin}/api/progress</pre>
        </section>
      )}

      <h2>Your tokens</h2>
      {tokens.error != null && <ErrorBox error={tokens.error} title="Your tokens could not be loaded" />}
      {tokens.data && tokens.data.length === 0 && <p className="muted">You have no API tokens.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <div className="table-wrap">
          <table className="table tokens">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id} className="token-row">
                  <td>{t.name}</td>
                  <td><time dateTime={t.createdAt}>{new Date(t.createdAt).toLocaleString()}</time></td>
                  <td>{t.lastUsedAt ? <time dateTime={t.lastUsedAt}>{new Date(t.lastUsedAt).toLocaleString()}</time> : <span className="muted">never</span>}</td>
                  <td><button type="button" onClick={() => revoke(t)} aria-label={`Revoke ${t.name}`}>Revoke</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
