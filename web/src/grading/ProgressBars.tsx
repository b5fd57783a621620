import { STAGES, type StageMap } from "./stages";

/** One bar per stage with the real counts the server streams (schedules of the budget, iterations). */
export function ProgressBars({ stages, status }: { stages: StageMap; status: string | null }) {
  return (
    <div className="stages" aria-live="polite">
      {status === "queued" && <p className="muted">Queued: waiting for a grader…</p>}
      <ol>
        {STAGES.map(({ id, label }) => {
          const s = stages[id];
          const counted = s.total != null && s.total > 0 && s.done != null;
          return (
            <li key={id} className={`stage ${s.state}`}>
              <span className="stage-label">{label}</span>
              {s.state === "active" && counted ? (
                <progress max={s.total!} value={Math.min(s.done!, s.total!)} aria-label={label} />
              ) : s.state === "active" ? (
                <progress aria-label={label} />
              ) : (
                <progress max={1} value={s.state === "done" ? 1 : 0} aria-label={label} />
              )}
              <span className="stage-count">
                {s.state === "done" ? "done" : s.state === "waiting" ? "" : counted ? `${s.done} / ${s.total}` : s.done != null ? `${s.done}` : "…"}
                {s.state === "active" && s.test ? ` · ${s.test}` : ""}
              </span>
              {s.state === "active" && s.message && <span className="stage-message muted small">{s.message}</span>}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
