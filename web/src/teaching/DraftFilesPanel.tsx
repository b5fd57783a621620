import { useState } from "react";
import { addFile, manifestPath, pathFor, removeFile, renameFile, whyRefused, type DraftRules, type FileKind, type Files } from "./draft";

/** Shown in the file list instead of a file: the manifest as a form. */
export const manifestFormPath = "#manifest-form";

/**
 * The draft's files: open one, rename or remove the open one (with the manifest's references kept in step), add a
 * hidden test, a mutant (a copy of the reference, listed in the manifest with its finding and mistake), a markdown
 * note or another file. Changes stay in the browser until Save (or Validate) sends them; the server checks them again.
 */
export function DraftFilesPanel({ files, path, rules, readOnly, onOpen, onChange }: {
  files: Files; path: string; rules: DraftRules; readOnly: boolean;
  onOpen(path: string): void; onChange(files: Files, open: string): void;
}) {
  const paths = Object.keys(files).sort();
  const [kind, setKind] = useState<FileKind>("mutant");
  const [name, setName] = useState("");
  const [finding, setFinding] = useState("lost-update");
  const [mistake, setMistake] = useState("");
  const [rename, setRename] = useState("");
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const isFile = path in files;

  const open = (p: string) => {
    setConfirmRemove(false);
    setRename("");
    setProblem(null);
    onOpen(p);
  };

  const add = (e: React.FormEvent) => {
    e.preventDefault();
    const target = pathFor(kind, name);
    const refused = whyRefused(target, rules, paths);
    if (refused) { setProblem(refused); return; }
    if (kind === "mutant" && mistake.trim() === "") { setProblem("describe the mutant's mistake in a sentence"); return; }
    setProblem(null);
    setName("");
    setMistake("");
    onChange(addFile(files, target, kind, { finding, mistake: mistake.trim() }), target);
  };

  const doRename = (e: React.FormEvent) => {
    e.preventDefault();
    const target = rename.trim();
    const refused = whyRefused(target, rules, paths.filter((p) => p !== path));
    if (refused) { setProblem(refused); return; }
    setProblem(null);
    setRename("");
    onChange(renameFile(files, path, target), target);
  };

  return (
    <nav className="file-list" aria-label="Files">
      <button type="button" className={path === manifestFormPath ? "file selected" : "file"} aria-current={path === manifestFormPath ? "true" : undefined}
        onClick={() => open(manifestFormPath)}>Manifest (form)</button>
      {paths.map((p) => (
        <button key={p} type="button" className={p === path ? "file selected" : "file"} aria-current={p === path ? "true" : undefined}
          onClick={() => open(p)}>{p}</button>
      ))}
      {!readOnly && (
        <div className="file-actions">
          {isFile && path !== manifestPath && (
            <>
              <form onSubmit={doRename} className="stacked">
                <label>Rename {path} to <input name="rename-to" value={rename} placeholder={path} onChange={(e) => setRename(e.target.value)} required /></label>
                <button type="submit">Rename</button>
              </form>
              {!confirmRemove
                ? <button type="button" onClick={() => setConfirmRemove(true)}>Remove {path}…</button>
                : (
                  <div className="confirm" role="alertdialog" aria-label="Confirm removal">
                    <p>Remove <code>{path}</code>{referencedBy(files, path)}? It goes at the next save.</p>
                    <button type="button" className="danger" onClick={() => { setConfirmRemove(false); onChange(removeFile(files, path), manifestFormPath); }}>Remove</button>{" "}
                    <button type="button" onClick={() => setConfirmRemove(false)}>Cancel</button>
                  </div>
                )}
            </>
          )}
          <form onSubmit={add} className="stacked add-file" aria-label="Add a file">
            <strong>Add a file</strong>
            <label>Kind{" "}
              <select name="file-kind" value={kind} onChange={(e) => setKind(e.target.value as FileKind)}>
                <option value="mutant">mutant (a copy of the reference)</option>
                <option value="test">hidden test</option>
                <option value="markdown">hint or note (markdown)</option>
                <option value="other">other (full path)</option>
              </select>
            </label>
            <label>Name <input name="file-name" value={name} onChange={(e) => setName(e.target.value)} required
              placeholder={kind === "mutant" ? "lock-on-this" : kind === "test" ? "OrderingTests" : kind === "markdown" ? "hint-1" : "docs/notes.md"} /></label>
            {kind === "mutant" && (
              <>
                <label>Must fail with{" "}
                  <select name="mutant-finding" value={finding} onChange={(e) => setFinding(e.target.value)}>
                    {rules.findingKinds.map((k) => <option key={k} value={k}>{k}</option>)}
                  </select>
                </label>
                <label>The mistake <input name="mutant-mistake" value={mistake} onChange={(e) => setMistake(e.target.value)} placeholder="Add reads and writes the field in two steps." /></label>
              </>
            )}
            <button type="submit">Add</button>
          </form>
          {problem && <div className="error-box" role="alert">{problem}</div>}
        </div>
      )}
    </nav>
  );
}

function referencedBy(files: Files, path: string): string {
  const manifest = files[manifestPath] ?? "";
  return manifest.includes(`"${path}"`) ? " and its entry in kata.json" : "";
}
