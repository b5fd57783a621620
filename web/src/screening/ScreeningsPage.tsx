// The interviewer's screenings: the list and a form to create one, a screening's candidates with invitations and the
// compare table.
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { ErrorBox } from "../app/ErrorBox";
import { Link, navigate } from "../app/router";
import { useAsync } from "../app/useAsync";
import { interviewerApi, minutes, type FindingsShown, type Invited } from "./screeningApi";
import "./screening.css";

export function ScreeningsPage() {
  const list = useAsync(() => interviewerApi.list(), []);
  const katas = useAsync(() => api.katas(), []);
  // The interviewer's own authored katas: published ones are offered (pinned at their latest version), drafts are not.
  const mine = useAsync(() => interviewerApi.myKatas().catch(() => []), []);
  const myVersions = new Map((mine.data ?? []).map((k) => [k.id, k.latestVersion]));
  const unpublished = (mine.data ?? []).filter((k) => k.latestVersion === 0);
  const [error, setError] = useState<unknown>(null);

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    try {
      const created = await interviewerApi.create({
        title: String(form.get("title") ?? ""),
        katas: form.getAll("katas").map(String),
        timeLimitSeconds: Math.round(Number(form.get("minutes")) * 60),
        invitationValidHours: Number(form.get("validHours")),
        hintsAllowed: form.get("hints") === "on",
        findingsShown: String(form.get("findings")) as FindingsShown,
      });
      navigate(`/screenings/${created.id}`);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <main className="page screenings">
      <h1>Screenings</h1>
      {list.error != null && <ErrorBox error={list.error} />}
      {list.data && list.data.length > 0 && (
        <ul className="screening-list">
          {list.data.map((s) => (
            <li key={s.id}><Link to={`/screenings/${s.id}`}>{s.title}</Link> <span className="muted small">{s.katas.join(", ")} · {Math.round(s.timeLimitSeconds / 60)} min · {s.candidates} candidate(s)</span></li>
          ))}
        </ul>
      )}
      <h2>New screening</h2>
      {error != null && <ErrorBox error={error} />}
      <form className="screening-form" onSubmit={create}>
        <label>Title <input name="title" required maxLength={200} /></label>
        <fieldset>
          <legend>Katas</legend>
          {katas.data?.map((k) => (
            <label key={k.id} className="check"><input type="checkbox" name="katas" value={k.id} /> {k.title} <span className="muted small">({k.difficulty}{myVersions.has(k.id) ? `; your kata, version ${myVersions.get(k.id)} is pinned` : ""})</span></label>
          ))}
          {unpublished.map((k) => (
            <label key={k.id} className="check muted"><input type="checkbox" disabled /> {k.title} <span className="small">(your kata, not published yet: validate and publish it to use it)</span></label>
          ))}
        </fieldset>
        <label>Time limit (minutes) <input name="minutes" type="number" min={0.2} max={1440} step="any" defaultValue={60} required /></label>
        <label>Invitation valid for (hours) <input name="validHours" type="number" min={1} max={2160} defaultValue={72} required /></label>
        <label className="check"><input type="checkbox" name="hints" /> Hints allowed</label>
        <label>The candidate sees
          <select name="findings" defaultValue="full">
            <option value="full">findings in full</option>
            <option value="pass-fail">pass/fail per test only</option>
          </select>
        </label>
        <button type="submit" className="primary">Create screening</button>
      </form>
    </main>
  );
}

export function ScreeningPage({ id }: { id: string }) {
  const [tick, setTick] = useState(0);
  const screening = useAsync(() => interviewerApi.get(id), [id, tick]);
  const compare = useAsync(() => interviewerApi.compare(id), [id, tick]);
  const [invited, setInvited] = useState<Invited | null>(null);
  const [error, setError] = useState<unknown>(null);

  const invite = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    try {
      setInvited(await interviewerApi.invite(id, String(data.get("name") ?? ""), String(data.get("email") ?? "")));
      form.reset();
      setTick((t) => t + 1);
    } catch (err) {
      setError(err);
    }
  };

  if (screening.error) return <main className="page"><ErrorBox error={screening.error} /></main>;
  const s = screening.data;
  if (!s) return <main className="page"><p>Loading…</p></main>;
  return (
    <main className="page screening">
      <p><Link to="/screenings">← Screenings</Link></p>
      <h1>{s.title}</h1>
      <p className="muted">{s.katas.map((k) => (s.kataVersions[k] ? `${k} (version ${s.kataVersions[k]})` : k)).join(", ")} · {minutes(s.timeLimitSeconds)} · invitations valid {s.invitationValidHours} h · hints {s.hintsAllowed ? "allowed" : "not allowed"} · candidates see {s.findingsShown === "full" ? "findings in full" : "pass/fail per test"}</p>

      <h2>Invite a candidate</h2>
      {error != null && <ErrorBox error={error} />}
      <form className="invite-form" onSubmit={invite}>
        <label>Name <input name="name" required maxLength={200} /></label>
        <label>E-mail (optional) <input name="email" type="email" /></label>
        <button type="submit" className="primary">Create invitation</button>
      </form>
      {invited && (
        <div className="invited" role="status">
          <p>{invited.candidate.name}: {invited.emailed ? `sent to ${invited.candidate.email}.` : invited.emailProblem ? `not e-mailed: ${invited.emailProblem}.` : "copy this link to the candidate (it is shown only now; it works once):"}</p>
          <input readOnly value={invited.link} aria-label="Invitation link" data-testid="invitation-link" onFocus={(e) => e.currentTarget.select()} />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(invited.link)}>Copy</button>
        </div>
      )}

      <h2>Candidates</h2>
      {compare.error != null && <ErrorBox error={compare.error} />}
      <div className="table-wrap">
        <table className="table compare">
          <thead>
            <tr><th scope="col">Candidate</th><th scope="col">State</th><th scope="col">Time</th><th scope="col">Score</th><th scope="col">Similarity flags</th>
              {s.katas.map((k) => <th key={k} scope="col">{k}</th>)}<th scope="col"></th></tr>
          </thead>
          <tbody>
            {compare.data?.map((row) => (
              <tr key={row.id}>
                <td><Link to={`/screenings/${id}/candidates/${row.id}`}>{row.name}</Link></td>
                <td>{row.state}</td>
                <td>{minutes(row.timeSpentSeconds)}</td>
                <td>{row.totalScore}</td>
                <td>{row.flags > 0 ? <strong className="flag">⚑ {row.flags}</strong> : "–"}</td>
                {row.katas.map((k) => <td key={k.kata}>{k.verdict ?? "–"}{k.score != null ? ` (${k.score})` : ""} <span className="muted small">{k.runs} runs, {k.submits} submits</span>{k.flagged ? " ⚑" : ""}</td>)}
                <td className="actions">
                  {row.state === "running" && (
                    <button type="button" onClick={async () => {
                      const more = Number(window.prompt(`How many more minutes for ${row.name}?`, "15"));
                      if (!more) return;
                      try { await interviewerApi.extend(id, row.id, more); setTick((t) => t + 1); } catch (err) { setError(err); }
                    }}>More time</button>
                  )}
                  {(row.state === "invited" || row.state === "expired" || row.state === "running") && (
                    <button type="button" title="A new link; the old one (and a browser holding the session) stops working" onClick={async () => {
                      if (!window.confirm(`Make a new link for ${row.name}? The old link stops working${row.state === "running" ? ", and so does the browser holding the session, until the new link is opened" : ""}.`)) return;
                      try { setInvited(await interviewerApi.reissue(id, row.id)); setTick((t) => t + 1); } catch (err) { setError(err); }
                    }}>New link</button>
                  )}
                  {(row.state === "invited" || row.state === "running") && (
                    <button type="button" onClick={async () => {
                      if (!window.confirm(`Revoke ${row.name}'s invitation?`)) return;
                      try { await interviewerApi.revoke(id, row.id); setTick((t) => t + 1); } catch (err) { setError(err); }
                    }}>Revoke</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p><a href={interviewerApi.csvUrl(id)} download>Export as CSV</a></p>
    </main>
  );
}
