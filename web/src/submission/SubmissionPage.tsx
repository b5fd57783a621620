// One stored submission, read-only: its code and its report with the interleaving pictures. Instructors reach it from
// the cohort page; a learner can open their own (the API answers 404 for anyone else's).
import { ErrorBox } from "../app/ErrorBox";
import { Link } from "../app/router";
import { useAsync } from "../app/useAsync";
import { api } from "../api/client";
import { ReportView } from "../grading/ReportView";

export function SubmissionPage({ id }: { id: string }) {
  const submission = useAsync(() => api.submission(id), [id]);
  if (submission.error) return <main className="page"><ErrorBox error={submission.error} /></main>;
  const s = submission.data;
  if (!s) return <main className="page"><p>Loading…</p></main>;
  return (
    <main className="page submission">
      <p><Link to={`/katas/${encodeURIComponent(s.kata)}`}>{s.kata}</Link></p>
      <h1>{s.mode === "submit" && s.attempt != null ? `Attempt ${s.attempt}` : `A ${s.mode}`} of {s.kata}</h1>
      <p className="muted">sent {new Date(s.createdAt).toLocaleString()} · {s.status}{s.error ? `: ${s.error}` : ""}</p>
      {s.report ? <ReportView report={s.report} onSelectLine={() => undefined} /> : <p>No report yet.</p>}
      {s.code != null && (
        <>
          <h2>Code</h2>
          <pre className="code" data-testid="submission-code">{s.code.split("\n").map((line, i) => (
            <div key={i}><span className="ln">{i + 1}</span>{line}</div>
          ))}</pre>
        </>
      )}
    </main>
  );
}
