import { budgetFields, parseManifest, manifestPath, type DraftRules, type Files, type Manifest, type MutantEntry } from "./draft";

/**
 * kata.json as a form: what the kata is, its hidden tests, its mutants with the finding each must produce and the
 * mistake it makes, hints, the API policy added to the default one, budgets and scoring. Every change rewrites
 * kata.json (the raw file stays editable beside it); the server's loader still has the last word (the problems list).
 */
export function ManifestForm({ files, rules, readOnly, onChange }: {
  files: Files; rules: DraftRules; readOnly: boolean; onChange(manifest: Manifest): void;
}) {
  const parsed = parseManifest(files[manifestPath]);
  if (!parsed.manifest) return <div className="error-box" role="alert"><strong>The form cannot show kata.json</strong><div>{parsed.error}</div></div>;
  const m = parsed.manifest;
  const change = (edit: (copy: Manifest) => void) => {
    const copy = structuredClone(m);
    edit(copy);
    onChange(copy);
  };
  const codeFiles = Object.keys(files).filter((p) => p.endsWith(".cs")).sort();
  const testCandidates = codeFiles.filter((p) => p !== (m.starter ?? "starter.cs") && p !== (m.reference ?? "reference.cs") && !(m.mutants ?? []).some((x) => x.file === p));
  const mutants = m.mutants ?? [];
  const setMutant = (i: number, patch: Partial<MutantEntry>) => change((c) => { c.mutants = mutants.map((x, j) => (j === i ? { ...x, ...patch } : x)); });
  const hints = m.hints ?? [];

  return (
    <fieldset className="manifest-form" disabled={readOnly} aria-label="Manifest">
      <section>
        <h3>The kata</h3>
        <div className="form-grid">
          <label>Title <input name="title" value={m.title ?? ""} onChange={(e) => change((c) => { c.title = e.target.value; })} /></label>
          <label>Difficulty{" "}
            <select name="difficulty" value={m.difficulty ?? ""} onChange={(e) => change((c) => { c.difficulty = e.target.value; })}>
              <option value="">choose</option>
              {["easy", "medium", "hard"].map((d) => <option key={d} value={d}>{d}</option>)}
            </select>
          </label>
          <label>Order on the path <input name="order" type="number" min={1} value={m.order ?? ""} onChange={(e) => change((c) => { setNumber(c, "order", e.target.value); })} /></label>
          <label>Topics (comma-separated) <input name="topics" value={(m.topics ?? []).join(", ")}
            onChange={(e) => change((c) => { c.topics = e.target.value.split(",").map((t) => t.trim()).filter(Boolean); })} /></label>
        </div>
        <label className="wide">Summary <input name="summary" value={m.summary ?? ""} onChange={(e) => change((c) => { c.summary = e.target.value; })} /></label>
      </section>

      <section>
        <h3>Hidden tests</h3>
        {testCandidates.length === 0 && <p className="muted">No C# file can be a test yet: add one under tests/.</p>}
        <ul className="plain">
          {testCandidates.map((p) => (
            <li key={p}><label><input type="checkbox" checked={(m.tests ?? []).includes(p)}
              onChange={(e) => change((c) => { c.tests = e.target.checked ? [...(c.tests ?? []), p] : (c.tests ?? []).filter((t) => t !== p); })} /> {p}</label></li>
          ))}
        </ul>
      </section>

      <section>
        <h3>Mutants</h3>
        <p className="muted">Each is a known-wrong solution: validation proves it fails with the finding named here (or one of the others accepted).</p>
        <table className="table mutant-entries">
          <thead><tr><th scope="col">File</th><th scope="col">Must fail with</th><th scope="col">Also accepted</th><th scope="col">The mistake, in a sentence</th><th scope="col"><span className="sr-only">Remove</span></th></tr></thead>
          <tbody>
            {mutants.map((x, i) => (
              <tr key={i}>
                <td>
                  <select aria-label={`Mutant ${i + 1} file`} value={x.file} onChange={(e) => setMutant(i, { file: e.target.value })}>
                    {!codeFiles.includes(x.file) && <option value={x.file}>{x.file || "choose"} (missing)</option>}
                    {codeFiles.map((p) => <option key={p} value={p}>{p}</option>)}
                  </select>
                </td>
                <td>
                  <select aria-label={`Mutant ${i + 1} finding`} value={x.finding} onChange={(e) => setMutant(i, { finding: e.target.value })}>
                    {!rules.findingKinds.includes(x.finding) && <option value={x.finding}>{x.finding || "choose"}</option>}
                    {rules.findingKinds.map((k) => <option key={k} value={k}>{k}</option>)}
                  </select>
                </td>
                <td><input aria-label={`Mutant ${i + 1} also accepted`} value={(x.also ?? []).join(", ")} placeholder="e.g. hang, timeout"
                  onChange={(e) => {
                    const also = e.target.value.split(",").map((t) => t.trim()).filter(Boolean);
                    setMutant(i, { also: also.length > 0 ? also : undefined });
                  }} /></td>
                <td><textarea aria-label={`Mutant ${i + 1} mistake`} rows={3} value={x.mistake} onChange={(e) => setMutant(i, { mistake: e.target.value })} /></td>
                <td><button type="button" aria-label={`Remove mutant ${i + 1} from the manifest`} onClick={() => change((c) => { c.mutants = mutants.filter((_, j) => j !== i); })}>Remove</button></td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">To add a mutant with its file, use <em>Add a file</em> with the kind “mutant”.</p>
      </section>

      <section>
        <h3>Hints</h3>
        <p className="muted">Revealed one at a time (1 to 4).</p>
        {hints.map((h, i) => (
          <div key={i} className="form-row">
            <textarea aria-label={`Hint ${i + 1}`} rows={2} value={h} onChange={(e) => change((c) => { c.hints = hints.map((x, j) => (j === i ? e.target.value : x)); })} />
            <button type="button" onClick={() => change((c) => { c.hints = hints.filter((_, j) => j !== i); })}>Remove hint</button>
          </div>
        ))}
        {hints.length < 4 && <button type="button" onClick={() => change((c) => { c.hints = [...hints, ""]; })}>Add a hint</button>}
      </section>

      <section>
        <h3>API policy</h3>
        <p className="muted">Added to the default policy: namespace or type prefixes (<code>System.Threading.Monitor</code>) or presets (<code>@blocking</code>), one per line.</p>
        <div className="form-grid">
          {(["deny", "allow"] as const).map((side) => (
            <label key={side}>{side === "deny" ? "Also forbidden" : "Also allowed"}
              <textarea name={`policy-${side}`} rows={3} value={(m.policy?.[side] ?? []).join("\n")}
                onChange={(e) => change((c) => {
                  c.policy = { allow: c.policy?.allow ?? [], deny: c.policy?.deny ?? [], [side]: e.target.value.split("\n").map((t) => t.trim()).filter(Boolean) };
                })} />
            </label>
          ))}
        </div>
      </section>

      <section>
        <h3>Budgets</h3>
        <p className="muted">Empty fields take the default shown. Validation suggests an explore budget from what the mutants took.</p>
        <div className="form-grid budgets">
          {budgetFields.map((b) => (
            <label key={b.name}>{b.label}
              <input name={`budget-${b.name}`} type="number" min={0} step={b.step} placeholder={String(b.fallback)} value={m.budgets?.[b.name] ?? ""}
                onChange={(e) => change((c) => {
                  const budgets = { ...(c.budgets ?? {}) };
                  if (e.target.value === "") delete budgets[b.name];
                  else budgets[b.name] = Number(e.target.value);
                  c.budgets = budgets;
                })} />
            </label>
          ))}
        </div>
      </section>

      <section>
        <h3>Scoring</h3>
        <div className="form-grid">
          <label>Points for performance (of 100)
            <input name="performanceWeight" type="number" min={0} max={100} placeholder="20" value={m.scoring?.performanceWeight ?? ""}
              onChange={(e) => change((c) => { c.scoring = numberField(c.scoring ?? {}, "performanceWeight", e.target.value); })} />
          </label>
          <label>Throughput ratio for all of them
            <input name="targetRatio" type="number" min={0} step={0.05} placeholder="0.5" value={m.scoring?.targetRatio ?? ""}
              onChange={(e) => change((c) => { c.scoring = numberField(c.scoring ?? {}, "targetRatio", e.target.value); })} />
          </label>
        </div>
      </section>
    </fieldset>
  );
}

function setNumber(m: Manifest, field: "order", value: string) {
  if (value === "") delete m[field];
  else m[field] = Number(value);
}

function numberField<T extends Record<string, number | undefined>>(target: T, field: keyof T & string, value: string): T {
  const copy = { ...target };
  if (value === "") delete copy[field];
  else (copy as Record<string, number>)[field] = Number(value);
  return copy;
}
