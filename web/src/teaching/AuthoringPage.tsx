import { useEffect, useMemo, useRef, useState } from "react";
import { useAsync } from "../app/useAsync";
import { Link } from "../app/router";
import { ErrorBox } from "../app/ErrorBox";
import { CodeEditor } from "../editor/CodeEditor";
import { renderMarkdown } from "../markdown/render";
import type { Diagnostic } from "../api/types";
import { teaching, type AuthoredKata, type Validation } from "./api";
import { ValidationView } from "./ValidationView";

/** Edit every file of a kata's draft in Monaco (live diagnostics; tests compile against the reference), validate, publish. */
export function AuthoringPage({ id, dark }: { id: string; dark: boolean }) {
  const loaded = useAsync(() => teaching.kata(id), [id]);
  const [kata, setKata] = useState<AuthoredKata | null>(null);
  const [files, setFiles] = useState<Record<string, string>>({});
  const [path, setPath] = useState("README.md");
  const [dirty, setDirty] = useState(false);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [validation, setValidation] = useState<Validation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const asked = useRef(0);

  const adopt = (k: AuthoredKata) => {
    setKata(k);
    setFiles(k.files);
    setDirty(false);
    if (k.lastValidation) setValidation(k.lastValidation);
  };
  useEffect(() => { if (loaded.data) adopt(loaded.data); }, [loaded.data]);

  // Poll a running validation until it ends.
  useEffect(() => {
    if (!validation || !(validation.status === "queued" || validation.status === "running")) return;
    const timer = setTimeout(async () => {
      try {
        const next = await teaching.validation(id, validation.id);
        setValidation(next);
        if (next.status === "done" || next.status === "error") adopt(await teaching.kata(id));
      } catch (e) { setError(e); }
    }, 700);
    return () => clearTimeout(timer);
  }, [validation, id]);

  // Live diagnostics for the open file, debounced; stale answers are dropped.
  const code = files[path] ?? "";
  useEffect(() => {
    if (!kata || kata.readOnly || !(path.endsWith(".cs") || path === "kata.json")) { setDiagnostics([]); return; }
    const ask = ++asked.current;
    const timer = setTimeout(async () => {
      try {
        const answer = await teaching.diagnostics(id, path, code);
        if (ask === asked.current) setDiagnostics(answer.diagnostics);
      } catch { /* squiggles are a help, not a must */ }
    }, 500);
    return () => clearTimeout(timer);
  }, [kata, id, path, code]);

  const paths = useMemo(() => Object.keys(files).sort(), [files]);
  const preview = useMemo(() => (path.endsWith(".md") ? renderMarkdown(code) : null), [path, code]);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try { await work(); } catch (e) { setError(e); } finally { setBusy(false); }
  };
  const save = () => act(async () => adopt(await teaching.save(id, files, kata!.draftRevision)));
  const validate = () => act(async () => {
    if (dirty) adopt(await teaching.save(id, files, kata!.draftRevision));
    setValidation(await teaching.validate(id));
  });
  const publish = () => act(async () => adopt(await teaching.publish(id)));

  if (loaded.error) return <main className="page"><ErrorBox error={loaded.error} /></main>;
  if (!kata) return <main className="page"><p>Loading…</p></main>;
  const running = validation != null && (validation.status === "queued" || validation.status === "running");

  return (
    <main className="page authoring">
      <p><Link to="/teach">Your katas</Link></p>
      <h1>{kata.title} <code>{kata.id}</code></h1>
      <p className="muted">
        {kata.readOnly ? "A built-in kata: read-only. Create a copy to edit it." : <>Draft revision {kata.draftRevision}{dirty ? " (unsaved changes)" : ""}; {kata.latestVersion > 0 ? `published version ${kata.latestVersion}` : "not published yet"}. </>}
        {!kata.readOnly && <a href={teaching.exportUrl(id)} download>Export as zip</a>}
      </p>
      {kata.problems.length > 0 && (
        <div className="error-box" role="alert"><strong>The draft has problems</strong>{kata.problems.map((p) => <div key={p}>{p}</div>)}</div>
      )}
      <div className="authoring-layout">
        <nav className="file-list" aria-label="Files">
          {paths.map((p) => (
            <button key={p} type="button" className={p === path ? "file selected" : "file"} aria-current={p === path ? "true" : undefined} onClick={() => setPath(p)}>{p}</button>
          ))}
        </nav>
        <div className="file-editor">
          <CodeEditor key={path} initialValue={code} dark={dark} diagnostics={diagnostics} label={`Editor for ${path}`}
            onChange={(value) => { setFiles((f) => ({ ...f, [path]: value })); setDirty(true); }} onRun={() => void save()} />
          {preview != null && <article className="markdown preview" aria-label="Preview" dangerouslySetInnerHTML={{ __html: preview }} />}
        </div>
      </div>
      {!kata.readOnly && (
        <div className="actions">
          <button type="button" onClick={save} disabled={busy || !dirty}>Save</button>
          <button type="button" onClick={validate} disabled={busy || running}>Validate</button>
          <button type="button" className="primary" onClick={publish} disabled={busy || running}>Publish</button>
        </div>
      )}
      {error != null && <ErrorBox error={error} />}
      {validation && <ValidationView validation={validation} />}
      {kata.versions.length > 0 && (
        <p>Versions: {kata.versions.map((v) => `v${v.version} (${new Date(v.publishedAt).toLocaleString()})`).join(", ")}</p>
      )}
    </main>
  );
}
