import { useState } from "react";
import { api, ApiError } from "../api/client";
import { useAsync } from "../app/useAsync";
import { ErrorBox } from "../app/ErrorBox";
import { Markdown } from "../markdown/Markdown";
import type { Hints } from "../api/types";

/** Hints one at a time; revealing one is recorded by the server. */
export function HintsPanel({ kata }: { kata: string }) {
  const loaded = useAsync(() => api.hints(kata), [kata]);
  const [hints, setHints] = useState<Hints | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const current = hints ?? loaded.data;

  async function reveal() {
    setBusy(true);
    setError(null);
    try {
      setHints(await api.revealHint(kata));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setHints(await api.hints(kata));
      else setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!current) return <p>Loading hints…</p>;
  const left = current.total - current.revealed.length;
  return (
    <div className="hints">
      {current.revealed.length === 0 && <p className="muted">Try on your own first. Hints come one at a time, and the ones you open are recorded.</p>}
      <ol>
        {current.revealed.map((h, i) => <li key={i}><Markdown source={h} /></li>)}
      </ol>
      {error != null && <ErrorBox error={error} />}
      {left > 0 ? (
        <button type="button" onClick={reveal} disabled={busy}>Show hint {current.revealed.length + 1} of {current.total}</button>
      ) : (
        <p className="muted">{current.total === 0 ? "This kata has no hints." : "That was the last hint."}</p>
      )}
    </div>
  );
}
