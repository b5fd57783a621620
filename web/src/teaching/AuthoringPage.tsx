import { useEffect, useMemo, useRef, useState } from "react";
import { useAsync } from "../app/useAsync";
import { Link, navigate } from "../app/router";
import { ErrorBox } from "../app/ErrorBox";
import { CodeEditor } from "../editor/CodeEditor";
import { renderMarkdown } from "../markdown/render";
import type { Diagnostic } from "../api/types";
import { teaching, type AuthoredKata, type Validation } from "./api";
import { ValidationView } from "./ValidationView";
import { DraftFilesPanel, manifestFormPath } from "./DraftFilesPanel";
import { ManifestForm } from "./ManifestForm";
import { AuthorsPanel } from "./AuthorsPanel";
import { languageOf, manifestPath, writeManifest, type Files } from "./draft";

/**
 * Edit a kata's draft: every file in Monaco (live diagnostics; tests compile against the reference), the manifest as a
 * form, files added, renamed and removed; then validate, publish, or delete (archive once published).
 */
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
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
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
    if (!kata || kata.readOnly || !(path.endsWith(".cs") || path === manifestPath) || !(path in files)) { setDiagnostics([]); return; }
    const ask = ++asked.current;
    const timer = setTimeout(async () => {
      try {
        const answer = await teaching.diagnostics(id, path, code);
        if (ask === asked.current) setDiagnostics(answer.diagnostics);
      } catch { /* squiggles are a help, not a must */ }
    }, 500);
    return () => clearTimeout(timer);
  }, [kata, id, path, code]);

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
  const edit = (next: Files, open?: string) => {
    setFiles(next);
    setDirty(true);
    if (open !== undefined) setPath(open);
  };
  const remove = () => act(async () => {
    const removed = await teaching.remove(id);
    setConfirmDelete(false);
    if (removed.outcome === "deleted") navigate("/teach");
    else { setNotice(removed.detail); adopt(await teaching.kata(id)); }
  });
  const restore = () => act(async () => { setNotice(null); adopt(await teaching.restore(id)); });

  if (loaded.error) return <main className="page"><ErrorBox error={loaded.error} /></main>;
  if (!kata) return <main className="page"><p>Loading…</p></main>;
  const running = validation != null && (validation.status === "queued" || validation.status === "running");
  const archived = kata.archivedAt != null;
  const locked = kata.readOnly || archived;

  return (
    <main className="page authoring">
      <p><Link to="/teach">Your katas</Link></p>
      <h1>{kata.title} <code>{kata.id}</code></h1>
      <p className="muted">
        {kata.readOnly ? "A built-in kata: read-only. Create a copy to edit it." : <>Draft revision {kata.draftRevision}{dirty ? " (unsaved changes)" : ""}; {kata.latestVersion > 0 ? `published version ${kata.latestVersion}` : "not published yet"}. </>}
        {!kata.readOnly && <a href={teaching.exportUrl(id)} download>Export as zip</a>}
      </p>
      {archived && (
        <div className="notice" role="status">
          Archived on {new Date(kata.archivedAt!).toLocaleString()}: learners no longer see this kata; submissions made against its versions stay readable.{" "}
          <button type="button" onClick={restore} disabled={busy}>Restore</button>
        </div>
      )}
      {notice && !archived && <div className="notice" role="status">{notice}</div>}
      {kata.problems.length > 0 && (
        <div className="error-box" role="alert"><strong>The draft has problems</strong>{kata.problems.map((p) => <div key={p}>{p}</div>)}</div>
      )}
      <div className="authoring-layout">
        <DraftFilesPanel files={files} path={path} rules={kata.rules} readOnly={locked} onOpen={setPath} onChange={edit} />
        <div className="file-editor">
          {path === manifestFormPath
            ? <ManifestForm files={files} rules={kata.rules} readOnly={locked} onChange={(m) => edit({ ...files, [manifestPath]: writeManifest(m) })} />
            : path in files
              ? <CodeEditor key={path} initialValue={code} dark={dark} diagnostics={diagnostics} label={`Editor for ${path}`} language={languageOf(path)}
                  onChange={(value) => { setFiles((f) => ({ ...f, [path]: value })); setDirty(true); }} onRun={() => void save()} />
              : <p className="muted">Choose a file.</p>}
          {preview != null && <article className="markdown preview" aria-label="Preview" dangerouslySetInnerHTML={{ __html: preview }} />}
        </div>
      </div>
      {!locked && (
        <div className="actions">
          <button type="button" onClick={save} disabled={busy || !dirty}>Save</button>
          <button type="button" onClick={validate} disabled={busy || running}>Validate</button>
          <button type="button" className="primary" onClick={publish} disabled={busy || running}>Publish</button>
          <button type="button" className="danger" onClick={() => setConfirmDelete(true)} disabled={busy}>Delete kata…</button>
        </div>
      )}
      {confirmDelete && !locked && (
        <div className="confirm" role="alertdialog" aria-label="Confirm deleting the kata">
          {kata.latestVersion > 0
            ? <p>Learners have seen published versions of <code>{kata.id}</code>, so it is <strong>archived</strong>, not deleted: it leaves the catalogue, and every submission made against it stays readable. You can restore it later.</p>
            : <p>Delete <code>{kata.id}</code> with every draft revision and validation? It was never published; this cannot be undone.</p>}
          <button type="button" className="danger" onClick={remove} disabled={busy}>{kata.latestVersion > 0 ? "Archive the kata" : "Delete for good"}</button>{" "}
          <button type="button" onClick={() => setConfirmDelete(false)}>Cancel</button>
        </div>
      )}
      {error != null && <ErrorBox error={error} />}
      {validation && <ValidationView validation={validation} />}
      {kata.versions.length > 0 && (
        <p>Versions: {kata.versions.map((v) => `v${v.version} (${new Date(v.publishedAt).toLocaleString()})`).join(", ")}</p>
      )}
      {!kata.readOnly && <AuthorsPanel id={id} />}
    </main>
  );
}
