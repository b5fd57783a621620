import { useState } from "react";
import { api } from "../api/client";
import { useAsync } from "../app/useAsync";
import { Link, navigate } from "../app/router";
import { ErrorBox } from "../app/ErrorBox";
import { teaching } from "./api";

/** The instructor's katas: create one from the template, as a copy of a built-in kata, or from a kata folder's zip. */
export function AuthoringListPage() {
  const mine = useAsync(() => teaching.katas(), []);
  const builtIn = useAsync(() => api.katas(), []);
  const [id, setId] = useState("");
  const [from, setFrom] = useState("");
  const [error, setError] = useState<unknown>(null);

  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const kata = await teaching.create(id.trim(), from);
      navigate(`/teach/katas/${encodeURIComponent(kata.id)}`);
    } catch (err) {
      setError(err);
    }
  };

  const importZip = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      const kata = await teaching.importZip(file);
      navigate(`/teach/katas/${encodeURIComponent(kata.id)}`);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <main className="page">
      <h1>Your katas</h1>
      <p><Link to="/teach/cohorts">Your cohorts</Link></p>
      {mine.error != null && <ErrorBox error={mine.error} />}
      <table className="table">
        <thead><tr><th scope="col">Kata</th><th scope="col">Draft</th><th scope="col">Published</th></tr></thead>
        <tbody>
          {(mine.data ?? []).map((k) => (
            <tr key={k.id}>
              <td><Link to={`/teach/katas/${encodeURIComponent(k.id)}`}>{k.title}</Link> <code>{k.id}</code></td>
              <td>revision {k.draftRevision}{k.validatedRevision === k.draftRevision ? " (validated)" : ""}</td>
              <td>{k.latestVersion > 0 ? `version ${k.latestVersion}` : "not yet"}{k.archivedAt ? " (archived)" : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>New kata</h2>
      <form className="form-row" onSubmit={create}>
        <label>Id <input name="kata-id" value={id} onChange={(e) => setId(e.target.value)} placeholder="my-counter" pattern="[a-z0-9]+(-[a-z0-9]+)*" required /></label>
        <label>Start from{" "}
          <select name="from" value={from} onChange={(e) => setFrom(e.target.value)}>
            <option value="">the template (a small counter kata)</option>
            {(builtIn.data ?? []).map((k) => <option key={k.id} value={k.id}>a copy of {k.title} ({k.id})</option>)}
          </select>
        </label>
        <button type="submit" className="primary">Create</button>
      </form>
      <h2>Import a kata</h2>
      <p>A zip of a <code>katas/&lt;id&gt;/</code> folder (as <em>Export</em> makes it): a new kata, or the next draft of one of yours.</p>
      <label>Kata zip <input type="file" name="kata-zip" accept=".zip,application/zip" onChange={(e) => {
        void importZip(e.target.files?.[0]);
        e.target.value = "";
      }} /></label>
      {error != null && <ErrorBox error={error} />}
    </main>
  );
}
