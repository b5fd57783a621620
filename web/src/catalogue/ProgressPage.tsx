import { api } from "../api/client";
import type { KataProgress } from "../api/types";
import { useAsync } from "../app/useAsync";
import { Link } from "../app/router";
import { ErrorBox } from "../app/ErrorBox";
import { StatusMark } from "./StatusMark";

/** The learner's progress over the learning path. */
export function ProgressPage() {
  const data = useAsync(async () => {
    const [katas, progress] = await Promise.all([api.katas(), api.progress()]);
    const byKata = new Map(progress.map((p) => [p.kata, p]));
    return [...katas].sort((a, b) => a.order - b.order).map((k) => ({ kata: k, progress: byKata.get(k.id) ?? null as KataProgress | null }));
  }, []);
  const rows = data.data ?? [];
  const solved = rows.filter((r) => r.progress?.status === "solved").length;
  const attempted = rows.filter((r) => r.progress?.status === "attempted").length;

  return (
    <main className="page">
      <h1>Your progress</h1>
      {data.error != null && <ErrorBox error={data.error} />}
      {rows.length > 0 && (
        <>
          <p>{solved} solved, {attempted} attempted, {rows.length - solved - attempted} not started.</p>
          <div className="path-bar" role="img" aria-label={`${solved} of ${rows.length} katas solved`}>
            {rows.map((r) => <span key={r.kata.id} className={`path-cell ${r.progress?.status ?? "new"}`} title={`${r.kata.order}. ${r.kata.title}`} />)}
          </div>
          <table className="table">
            <thead>
              <tr><th scope="col">#</th><th scope="col">Kata</th><th scope="col">Status</th><th scope="col">Best score</th><th scope="col">Attempts</th></tr>
            </thead>
            <tbody>
              {rows.map(({ kata, progress }) => (
                <tr key={kata.id}>
                  <td>{kata.order}</td>
                  <td><Link to={`/katas/${encodeURIComponent(kata.id)}`}>{kata.title}</Link> <span className={`difficulty ${kata.difficulty}`}>{kata.difficulty}</span></td>
                  <td><StatusMark status={progress?.status ?? "new"} /></td>
                  <td>{progress?.bestScore ?? "–"}</td>
                  <td>{progress?.attempts ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
