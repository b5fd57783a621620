import { useState } from "react";
import { api } from "../api/client";
import { useAsync } from "../app/useAsync";
import { Link, navigate } from "../app/router";
import { ErrorBox } from "../app/ErrorBox";
import { teaching } from "./api";
import { CohortChart } from "./CohortChart";
import { plural } from "./plural";

/** Where the cohort struggles: per kata pass rate, attempts, time, findings, failing tests, hints; per learner every attempt. */
export function CohortPage({ id }: { id: string }) {
  const page = useAsync(() => teaching.cohort(id), [id]);
  const katas = useAsync(() => api.katas(), []);
  const [invite, setInvite] = useState<string | null>(null);
  const [kata, setKata] = useState("");
  const [due, setDue] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const c = page.data;
  if (page.error) return <main className="page"><ErrorBox error={page.error} /></main>;
  if (!c) return <main className="page"><p>Loading…</p></main>;

  return (
    <main className="page cohort">
      <p><Link to="/teach/cohorts">Your cohorts</Link></p>
      <h1>{c.name}</h1>
      <div className="form-row">
        <button type="button" onClick={async () => {
          try { const i = await teaching.invite(id, 7); setInvite(`${location.origin}${i.url}`); setRevoked(null); } catch (e) { setError(e); }
        }}>Create invite link</button>
        <button type="button" onClick={async () => {
          try {
            const r = await teaching.revokeInvites(id);
            const i = await teaching.invite(id, 7);
            setInvite(`${location.origin}${i.url}`);
            setRevoked(`${plural(r.links, "earlier link")} no longer ${r.links === 1 ? "works" : "work"}; share the new one below. Members stay members.`);
          } catch (e) { setError(e); }
        }}>Revoke links and issue a new one</button>
        {invite && <input className="invite-link" readOnly value={invite} aria-label="Invite link (valid 7 days)" onFocus={(e) => e.target.select()} />}
        <a href={teaching.csvUrl(id)} download>Export CSV</a>
      </div>
      <form className="form-row" onSubmit={async (e) => {
        e.preventDefault();
        try { await teaching.assign(id, kata, due ? new Date(due).toISOString() : null); page.reload(); } catch (err) { setError(err); }
      }}>
        <label>Assign{" "}
          <select name="assign-kata" value={kata} onChange={(e) => setKata(e.target.value)} required>
            <option value="">choose a kata</option>
            {(katas.data ?? []).map((k) => <option key={k.id} value={k.id}>{k.title} ({k.id})</option>)}
          </select>
        </label>
        <label>due <input type="date" name="due" value={due} onChange={(e) => setDue(e.target.value)} /></label>
        <button type="submit">Assign</button>
      </form>
      {revoked && <p className="notice" role="status">{revoked}</p>}
      {error != null && <ErrorBox error={error} />}
      <p>{plural(c.members.length, "learner")}.</p>
      {c.katas.length > 0 && <CohortChart katas={c.katas} />}
      <table className="table kata-stats">
        <thead><tr><th scope="col">Kata</th><th scope="col">Due</th><th scope="col">Passed</th><th scope="col">Median attempts</th><th scope="col">Median minutes to pass</th><th scope="col">Findings</th><th scope="col">Tests failing most</th><th scope="col">Hints used</th></tr></thead>
        <tbody>
          {c.katas.map((k) => {
            const a = c.assignments.find((x) => x.kata === k.kata);
            return (
              <tr key={k.kata}>
                <td>{a?.title ?? k.kata}</td>
                <td>{a?.dueAt ? new Date(a.dueAt).toLocaleDateString() : "–"}</td>
                <td>{k.passed}/{k.learners} ({Math.round(k.passRate * 100)} %)</td>
                <td>{k.medianAttemptsToPass ?? "–"}</td>
                <td>{k.medianMinutesToPass ?? "–"}</td>
                <td>{k.findingKinds.map((f) => `${f.name} ×${f.times}`).join(", ") || "–"}</td>
                <td>{k.failingTests.map((f) => `${f.name} ×${f.times}`).join(", ") || "–"}</td>
                <td>{k.hintsUsed}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Learners</h2>
      {c.learners.map((l) => (
        <details key={l.userId} className="learner" open>
          <summary>{l.displayName || l.email} ({plural(l.attempts.length, "attempt")})</summary>
          <ul>
            {l.attempts.map((t) => (
              <li key={t.id} className="attempt">
                {t.kata}{t.kataVersion != null ? ` v${t.kataVersion}` : ""} attempt {t.attempt ?? "?"}: <strong className="attempt-verdict">{t.verdict ?? t.status}</strong>
                {t.findingKinds.length > 0 && ` (${t.findingKinds.join(", ")})`} {new Date(t.createdAt).toLocaleString()}{" "}
                <Link to={`/submissions/${encodeURIComponent(t.id)}`}>code and report</Link>
              </li>
            ))}
          </ul>
        </details>
      ))}
      <h2>Delete the cohort</h2>
      {!confirmDelete
        ? <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>Delete cohort…</button>
        : (
          <div className="confirm" role="alertdialog" aria-label="Confirm deleting the cohort">
            <p>Delete <strong>{c.name}</strong>: its invite links, {plural(c.members.length, "membership")} and {plural(c.assignments.length, "assignment")}? The learners keep their submissions.</p>
            <button type="button" className="danger" onClick={async () => {
              try { await teaching.deleteCohort(id); navigate("/teach/cohorts"); } catch (e) { setError(e); }
            }}>Delete for good</button>{" "}
            <button type="button" onClick={() => setConfirmDelete(false)}>Cancel</button>
          </div>
        )}
    </main>
  );
}
